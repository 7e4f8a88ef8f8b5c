import type { Tester, TesterContext } from '@jest/expect-utils';
import { expect } from '@jest/globals';
import { PersistentMap } from '../../src/domain/shared/persistent-map';

/**
 * A `PersistentMap` (what an aggregate's state holds where a `Map` copy per event would cost too
 * much) equals a `Map` or another `PersistentMap` with the same entries, as two Maps do.
 */
function mapsAlike(this: TesterContext, a: unknown, b: unknown, customTesters: Tester[]): boolean | undefined {
  if (!(a instanceof PersistentMap) && !(b instanceof PersistentMap)) return undefined;
  const asMap = (x: unknown): Map<unknown, unknown> | undefined =>
    x instanceof PersistentMap ? new Map(x as PersistentMap<unknown, unknown>) : x instanceof Map ? x : undefined;
  const [left, right] = [asMap(a), asMap(b)];
  if (left === undefined || right === undefined) return false;
  return this.equals(left, right, customTesters);
}

expect.addEqualityTesters([mapsAlike]);
