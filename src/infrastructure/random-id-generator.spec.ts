import { RandomIdGenerator } from './random-id-generator';

describe('RandomIdGenerator', () => {
  const ids = new RandomIdGenerator();

  it('makes version 4 UUIDs, each different', () => {
    const made = Array.from({ length: 1000 }, () => ids.id());
    for (const id of made) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(made).size).toBe(made.length);
  });

  it('makes guest digits of the length asked', () => {
    expect(ids.digits(6)).toMatch(/^[0-9]{6}$/);
    expect(ids.digits(12)).toMatch(/^[0-9]{12}$/);
  });
});
