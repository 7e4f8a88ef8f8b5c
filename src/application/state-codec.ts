import { PersistentMap, PersistentSet } from '../domain/shared/persistent-map';

/**
 * JSON for derived state: Maps and Sets (persistent ones too) are written as tagged arrays and read
 * back as Maps and Sets, so a read model or an aggregate can be saved as it is held. Plain objects, arrays, strings,
 * numbers, booleans and null pass through; `undefined` members are dropped, as JSON does.
 */
const MAP = '$map';
const SET = '$set';

export const encodeState = (value: unknown): string =>
  JSON.stringify(value, function (this: unknown, _key: string, current: unknown) {
    if (current instanceof Map || current instanceof PersistentMap) return { [MAP]: [...current] };
    if (current instanceof Set || current instanceof PersistentSet) return { [SET]: [...current] };
    return current;
  });

export const decodeState = (text: string): unknown =>
  JSON.parse(text, (_key: string, current: unknown) => {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return current;
    const keys = Object.keys(current);
    if (keys.length !== 1) return current;
    const tagged = (current as Record<string, unknown>)[keys[0]!];
    if (keys[0] === MAP && Array.isArray(tagged)) return new Map(tagged as [unknown, unknown][]);
    if (keys[0] === SET && Array.isArray(tagged)) return new Set(tagged);
    return current;
  });

/** Empties `target` and fills it with `entries`: restores a `readonly` map field in place. */
export const refill = <K, V>(target: Map<K, V>, entries: Iterable<readonly [K, V]>): void => {
  target.clear();
  for (const [key, value] of entries) target.set(key, value);
};
