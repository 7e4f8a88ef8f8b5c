import type { Tester, TesterContext } from '@jest/expect-utils';
import { expect } from '@jest/globals';
import { PersistentMap, PersistentSet } from '../../src/domain/shared/persistent-map';

/**
 * A `PersistentMap` (what an aggregate's state holds where a `Map` copy per event would cost too
 * much) equals a `Map` or another `PersistentMap` with the same entries, as two Maps do; a
 * `PersistentSet` a `Set` with the same values.
 */
function collectionsAlike(this: TesterContext, a: unknown, b: unknown, customTesters: Tester[]): boolean | undefined {
  const persistent = (x: unknown): boolean => x instanceof PersistentMap || x instanceof PersistentSet;
  if (!persistent(a) && !persistent(b)) return undefined;
  const plain = (x: unknown): Map<unknown, unknown> | Set<unknown> | undefined =>
    x instanceof PersistentMap
      ? new Map(x as PersistentMap<unknown, unknown>)
      : x instanceof PersistentSet
        ? new Set(x as PersistentSet<unknown>)
        : x instanceof Map || x instanceof Set
          ? x
          : undefined;
  const [left, right] = [plain(a), plain(b)];
  if (left === undefined || right === undefined) return false;
  return this.equals(left, right, customTesters);
}

expect.addEqualityTesters([collectionsAlike]);
