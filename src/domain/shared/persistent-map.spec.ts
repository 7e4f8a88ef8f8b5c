import { PersistentMap, PersistentSet } from './persistent-map';

describe('PersistentMap', () => {
  it('reads, iterates and counts like a Map through thousands of random sets and removals', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const model = new Map<string, number>();
    let map = PersistentMap.of(new Map<string, number>());
    for (let step = 0; step < 5000; step++) {
      const key = `user-${random(700)}`;
      if (random(3) === 0) {
        model.delete(key);
        map = map.with(key, undefined);
      } else {
        model.set(key, step);
        map = map.with(key, step);
      }
    }
    expect(map.size).toBe(model.size);
    expect([...map]).toEqual([...model]);
    expect([...map.keys()]).toEqual([...model.keys()]);
    expect([...map.values()]).toEqual([...model.values()]);
    expect([...map.entries()]).toEqual([...model.entries()]);
    for (let i = 0; i < 700; i++) {
      expect(map.get(`user-${i}`)).toBe(model.get(`user-${i}`));
      expect(map.has(`user-${i}`)).toBe(model.has(`user-${i}`));
    }
    const seen: [string, number][] = [];
    map.forEach((value, key, self) => {
      expect(self).toBe(map);
      seen.push([key, value]);
    });
    expect(seen).toEqual([...model]);
  });

  it('leaves every earlier version as it was', () => {
    const empty = PersistentMap.of(new Map<string, string>());
    const one = empty.with('a', 'Ann');
    const two = one.with('b', 'Bob');
    const renamed = two.with('a', 'Anna');
    const removed = renamed.with('b', undefined);
    expect([...empty]).toEqual([]);
    expect([...one]).toEqual([['a', 'Ann']]);
    expect([...two]).toEqual([
      ['a', 'Ann'],
      ['b', 'Bob'],
    ]);
    expect([...renamed]).toEqual([
      ['a', 'Anna'],
      ['b', 'Bob'],
    ]);
    expect([...removed]).toEqual([['a', 'Anna']]);
    expect(removed.with('b', undefined)).toBe(removed);
  });

  it('takes a Map (a state read from a snapshot) with its entries and order, and leaves the Map alone', () => {
    const saved = new Map([
      ['u2', 'Bob'],
      ['u1', 'Ann'],
    ]);
    const map = PersistentMap.of(saved).with('u3', 'Cy');
    expect([...map]).toEqual([
      ['u2', 'Bob'],
      ['u1', 'Ann'],
      ['u3', 'Cy'],
    ]);
    expect(saved.size).toBe(2);
    expect(PersistentMap.of(map)).toBe(map);
  });
});

describe('PersistentSet', () => {
  it('holds, iterates and counts like a Set, in insertion order, and leaves earlier versions as they were', () => {
    const model = new Set<string>();
    const versions: [PersistentSet<string>, string[]][] = [];
    let set = PersistentSet.of(new Set<string>());
    for (let i = 0; i < 3000; i++) {
      const value = `user-${(i * 7919) % 1000}`;
      model.add(value);
      set = set.with(value);
      if (i % 500 === 0) versions.push([set, [...model]]);
    }
    expect(set.size).toBe(model.size);
    expect([...set]).toEqual([...model]);
    expect([...set.keys()]).toEqual([...model.keys()]);
    expect([...set.values()]).toEqual([...model.values()]);
    expect([...set.entries()]).toEqual([...model.entries()]);
    expect(set.has('user-7')).toBe(true);
    expect(set.has('user-1000')).toBe(false);
    const seen: string[] = [];
    set.forEach((value, same, self) => {
      expect(same).toBe(value);
      expect(self).toBe(set);
      seen.push(value);
    });
    expect(seen).toEqual([...model]);
    for (const [version, values] of versions) expect([...version]).toEqual(values);
    expect(set.with('user-7')).toBe(set);
  });

  it('takes a Set (a state read from a snapshot) with its values and order, and leaves the Set alone', () => {
    const saved = new Set(['b', 'a']);
    expect([...PersistentSet.of(saved).with('c')]).toEqual(['b', 'a', 'c']);
    expect(saved.size).toBe(2);
  });
});
