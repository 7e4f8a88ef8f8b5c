'use strict';
/**
 * What one join costs a room's aggregate as the room grows (the Room state's `evolve`, from dist/:
 * `npm run build` first):
 *
 *   node bench/tools/room-joins.js [sizes=1000,5000,20000]
 *
 * For a public room and a private one (which also records each newcomer as allowed), at each size:
 * the time to fold that many joins into an empty room, and the mean time of 1,000 more joins at that size. The ratio of the last size's join to the first's is the figure to read:
 * about 1× when a join costs the same in a room of any size, sizes-ratio× when it copies the members.
 */
const path = require('node:path');
const { evolve, initialState } = require(path.join(__dirname, '../../dist/domain/room/room.state.js'));

const sizes = (process.argv[2] || '1000,5000,20000').split(',').map(Number);
const joined = (userId) => ({ type: 'MemberJoined', data: { room: 'General', userId, username: `Guest-${userId}` } });
const ms = (since) => Number(process.hrtime.bigint() - since) / 1e6;

const created = { type: 'RoomCreated', data: { room: 'Club', visibility: 'private', userId: 'owner', topic: '' } };

/** Joins to `start` (a room's first state) at each size; a private room also records each newcomer as allowed. */
const measure = (label, start) => {
  const perJoin = [];
  for (const size of sizes) {
    let room = start;
    const started = process.hrtime.bigint();
    for (let i = 0; i < size; i++) room = evolve(room, joined(`u${i}`));
    const fold = ms(started);
    const more = process.hrtime.bigint();
    for (let i = 0; i < 1000; i++) room = evolve(room, joined(`more-${i}`));
    perJoin.push(ms(more));
    console.log(`${label}, ${size} members: ${fold.toFixed(0)} ms to fold their joins; then ${perJoin.at(-1).toFixed(1)} µs a join`);
  }
  console.log(`${label}: a join at ${sizes.at(-1)} members costs ${(perJoin.at(-1) / perJoin[0]).toFixed(2)}× a join at ${sizes[0]}`);
};

measure('a public room', initialState());
measure('a private room', evolve(initialState(), created));
