import { OrderedMap as TrieMap, OrderedSet as TrieSet } from 'immutable';

/**
 * Persistent collections for aggregate states. A read-only map whose `with` returns a new map that
 * shares all but a few nodes with this one (immutable-js's `OrderedMap`: a hash trie with its
 * insertion order): setting or removing one key costs O(log n), where copying a `Map` costs O(n).
 * An aggregate's state uses it for what grows with people, not history (a room's members): with
 * copies, every join to a room of 20,000 members copied 20,000 entries.
 *
 * It reads and iterates like a `Map`, in insertion order, and is saved as one (see `state-codec`);
 * `PersistentMap.of` takes a `Map` (a state read back from a snapshot) as it is, once.
 */
export class PersistentMap<K, V> implements ReadonlyMap<K, V> {
  private constructor(private readonly trie: TrieMap<K, V>) {}

  static of<K, V>(map: ReadonlyMap<K, V>): PersistentMap<K, V> {
    return map instanceof PersistentMap ? (map as PersistentMap<K, V>) : new PersistentMap(TrieMap<K, V>(map));
  }

  /** This map with `key` set to `value`, or removed when `value` is undefined. */
  with(key: K, value: V | undefined): PersistentMap<K, V> {
    const trie = value === undefined ? this.trie.remove(key) : this.trie.set(key, value);
    return trie === this.trie ? this : new PersistentMap(trie);
  }

  get size(): number {
    return this.trie.size;
  }

  get(key: K): V | undefined {
    return this.trie.get(key);
  }

  has(key: K): boolean {
    return this.trie.has(key);
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.trie) callback.call(thisArg, value, key, this);
  }

  *entries(): MapIterator<[K, V]> {
    for (const [key, value] of this.trie) yield [key, value];
  }

  *keys(): MapIterator<K> {
    yield* this.trie.keys();
  }

  *values(): MapIterator<V> {
    yield* this.trie.values();
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'PersistentMap';
  }
}

/** A read-only set whose `with` returns a new set sharing all but a few nodes with this one: `PersistentMap`'s twin. */
export class PersistentSet<T> implements ReadonlySet<T> {
  private constructor(private readonly trie: TrieSet<T>) {}

  static of<T>(set: ReadonlySet<T>): PersistentSet<T> {
    return set instanceof PersistentSet ? (set as PersistentSet<T>) : new PersistentSet(TrieSet<T>(set));
  }

  /** This set with `value` in it. */
  with(value: T): PersistentSet<T> {
    const trie = this.trie.add(value);
    return trie === this.trie ? this : new PersistentSet(trie);
  }

  get size(): number {
    return this.trie.size;
  }

  has(value: T): boolean {
    return this.trie.has(value);
  }

  forEach(callback: (value: T, same: T, set: ReadonlySet<T>) => void, thisArg?: unknown): void {
    for (const value of this.trie) callback.call(thisArg, value, value, this);
  }

  *entries(): SetIterator<[T, T]> {
    for (const value of this.trie) yield [value, value];
  }

  keys(): SetIterator<T> {
    return this.values();
  }

  *values(): SetIterator<T> {
    yield* this.trie;
  }

  [Symbol.iterator](): SetIterator<T> {
    return this.values();
  }

  get [Symbol.toStringTag](): string {
    return 'PersistentSet';
  }
}
