import { RandomIdGenerator } from './random-id-generator';

describe('RandomIdGenerator', () => {
  const ids = new RandomIdGenerator();

  it('makes version 4 UUIDs, each different', () => {
    const made = Array.from({ length: 1000 }, () => ids.id());
    for (const id of made) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(made).size).toBe(made.length);
  });

  it('makes version 7 UUIDs for messages, each different, that sort in the order they were made', () => {
    const made = Array.from({ length: 20_000 }, () => ids.orderedId());
    for (const id of made) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(made).size).toBe(made.length);
    expect([...made].sort()).toEqual(made);
  });

  it('puts the time of making first in an ordered id', () => {
    const fresh = new RandomIdGenerator();
    const before = Date.now();
    const id = fresh.orderedId();
    const ms = parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(Date.now() + 1);
  });

  it('makes guest digits of the length asked', () => {
    expect(ids.digits(6)).toMatch(/^[0-9]{6}$/);
    expect(ids.digits(12)).toMatch(/^[0-9]{12}$/);
  });
});
