import { PersistentMap, PersistentSet } from '../domain/shared/persistent-map';
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

  it('saves a persistent map or set as the Map or Set it holds, and reads it back as one', () => {
    const members = PersistentMap.of(new Map<string, string>()).with('u1', 'alice').with('u2', 'bob');
    const allowed = PersistentSet.of(new Set<string>()).with('u2').with('u1');
    const plain = {
      members: new Map([
        ['u1', 'alice'],
        ['u2', 'bob'],
      ]),
      allowed: new Set(['u2', 'u1']),
    };
    expect(encodeState({ members, allowed })).toBe(encodeState(plain));
    const read = decodeState(encodeState({ members, allowed })) as typeof plain;
    expect(read.members).toBeInstanceOf(Map);
    expect(read.allowed).toBeInstanceOf(Set);
    expect([...read.members]).toEqual([...plain.members]);
    expect([...read.allowed]).toEqual([...plain.allowed]);
  });

  it('leaves an object that merely has a key named like a tag alone when it has other keys', () => {
    const state = { $map: [['a', 1]], other: 1 };
    expect(decodeState(encodeState(state))).toEqual(state);
  });
});
