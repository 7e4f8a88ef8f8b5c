import { decodeState, encodeState } from './state-codec';

describe('the state codec', () => {
  it('reads back Maps and Sets, nested, with everything else as JSON has it', () => {
    const state = {
      members: new Map([
        ['u1', 'alice'],
        ['u2', 'bob'],
      ]),
      reactions: new Map([['👍', new Set(['u1', 'u2'])]]),
      list: [1, 'two', null, { three: true }],
      lastSeq: 42,
    };
    expect(decodeState(encodeState(state))).toEqual(state);
  });

  it('leaves an object that merely has a key named like a tag alone when it has other keys', () => {
    const state = { $map: [['a', 1]], other: 1 };
    expect(decodeState(encodeState(state))).toEqual(state);
  });
});
