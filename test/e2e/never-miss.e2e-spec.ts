import * as fc from 'fast-check';
import { foldMessages } from '../../src/application/read-models/rooms.read-model';
import type { RecordedEvent } from '../../src/application/ports/event-store.port';
import { messagePayload } from '../../src/interface/ws/client-payloads';
import { chatAction, EMOJI } from '../support/chat-actions';
import { runs, SEED } from '../support/fuzz';
import { RoomMirror, type MirroredMessage } from '../support/room-mirror';
import type { TestSocket } from '../support/socket';
import { appsClosedAfterEach, guestCookie, type TestApp } from '../support/test-app';

/**
 * Never miss a thing, as a property: random interleavings of sends, edits, deletes, reactions,
 * reads, disconnects and reconnects by three clients. At the end, every client (back and resumed
 * with its cursor) holds exactly the fold of the room's log, and every unread count is the one
 * recomputed from the log. A failing run prints its seed: rerun with FUZZ_SEED=<seed>.
 */

jest.setTimeout(120_000);

const ROOM = 'General';
const CLIENTS = 3;

type Client = { cookie: string; socket: TestSocket | undefined; mirror: RoomMirror | undefined; readSeq: number };
type Ack = { ok: boolean; message?: MirroredMessage; error?: { code: string } };

/** The room's message events from the log, and each message as the log folds it (as a `message` payload). */
const logOf = async (server: TestApp) => {
  const events = await server.store.readStream(`room-${ROOM}`);
  const folded = [...foldMessages(events).values()].sort((a, b) => a.seq - b.seq);
  return { events, messages: folded, payloads: folded.map(messagePayload) };
};

/** The version of the newest event that changed a message: where every client's cursor must end. */
const lastChange = (events: RecordedEvent[]): number =>
  events.filter((e) => e.type !== 'MemberJoined' && e.type !== 'MemberLeft').reduce((last, e) => Math.max(last, e.version), 0);

describe('never miss a thing (property)', () => {
  const start = appsClosedAfterEach();

  it('leaves every client with the fold of the log, and every unread count as the log says', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(chatAction(CLIENTS), { minLength: 5, maxLength: 30 }), async (actions) => {
        const server = await start();
        const clients: Client[] = [];
        const connect = async (client: Client): Promise<void> => {
          const socket = await server.connect({ cookie: client.cookie });
          client.socket = socket;
          if (client.mirror === undefined) client.mirror = await RoomMirror.joined(socket, ROOM);
          else {
            client.mirror.follow(socket);
            const pages = await client.mirror.resume(socket);
            const cursors = pages.flatMap((page) => page.changes.map((change) => change.data.cursor));
            // Each change once, in order.
            expect(cursors.every((cursor, i) => i === 0 || cursor > cursors[i - 1]!)).toBe(true);
          }
        };
        for (let i = 0; i < CLIENTS; i++) {
          const cookie = await guestCookie(server);
          const client: Client = { cookie, socket: undefined, mirror: undefined, readSeq: 0 };
          await connect(client);
          clients.push(client);
        }
        let sent = 0;
        for (const step of actions) {
          const client = clients[step.by]!;
          const socket = client.socket;
          if (step.kind === 'back') {
            if (socket === undefined) await connect(client);
            continue;
          }
          if (socket === undefined) continue;
          const { messages } = await logOf(server);
          const live = messages.filter((m) => m.deleted !== true);
          const own = live.filter((m) => m.username === socket.username);
          switch (step.kind) {
            case 'send':
              await socket.ask<Ack>('message', { room: ROOM, msg: `m${sent++} by ${step.by}` });
              break;
            case 'edit':
              if (own.length > 0)
                await socket.ask('edit_message', { room: ROOM, messageId: own[step.pick % own.length]!.id, msg: `edited ${step.pick}` });
              break;
            case 'delete':
              if (own.length > 0) await socket.ask('delete_message', { room: ROOM, messageId: own[step.pick % own.length]!.id });
              break;
            case 'react':
              if (live.length > 0) {
                await socket.ask('react', { room: ROOM, messageId: live[step.pick % live.length]!.id, emoji: EMOJI[step.emoji] });
              }
              break;
            case 'read': {
              const newest = Math.max(0, ...[...client.mirror!.messages.values()].map((m) => m.seq));
              if (newest > 0) {
                const ack = await socket.ask<{ ok: boolean; readSeq: number }>('read', { room: ROOM, seq: newest });
                expect(ack.ok).toBe(true);
                client.readSeq = ack.readSeq;
              }
              break;
            }
            case 'drop':
              socket.close();
              client.socket = undefined;
              break;
          }
        }
        for (const client of clients) if (client.socket === undefined) await connect(client);

        const { events, payloads } = await logOf(server);
        const head = lastChange(events);
        for (const client of clients) {
          await client.mirror!.reached(head, 10_000);
          expect(client.mirror!.list()).toEqual(payloads);
        }
        // Unread counts: messages by others after the marker, not deleted, recomputed from the log.
        for (const client of clients) {
          const response = await server.http().get('/api/unread').set('Cookie', client.cookie).expect(200);
          const entry = (response.body.rooms as { room: string; count: number; readSeq: number }[]).find((r) => r.room === ROOM);
          expect(entry).toBeDefined();
          expect(entry!.readSeq).toBeGreaterThanOrEqual(client.readSeq);
          const me = client.socket!.username;
          const expected = payloads.filter((m) => m.seq > entry!.readSeq && m.deleted !== true && m.username !== me).length;
          expect({ seed: SEED, count: entry!.count }).toEqual({ seed: SEED, count: expected });
        }
        await server.close();
      }),
      runs(8, 0),
    );
  });
});
