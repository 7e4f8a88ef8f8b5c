import { OrderedMap as TrieMap } from 'immutable';

/**
 * A read-only map whose `with` returns a new map that shares all but a few nodes with this one (a
 * hash array mapped trie, immutable-js): setting or removing one key costs O(log n), where copying a
 * `Map` costs O(n). An aggregate's state uses it for what grows with people, not history (a room's
 * members): with copies, every join to a room of 20,000 members copied 20,000 entries.
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
