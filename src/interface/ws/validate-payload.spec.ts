import { validateSync } from 'class-validator';
import { DomainError } from '../../domain/shared/domain-error';
import * as dtos from './dto/chat.dto';
import { validatePayload } from './validate-payload';

/** Every DTO class the socket events validate with. */
const classes = (Object.values(dtos) as unknown[]).filter(
  (value): value is new () => object => typeof value === 'function' && /Dto$/.test(value.name),
);

/** Values a field may be sent with: right, wrong type, empty, too long, out of range. */
const candidates: unknown[] = [
  'General',
  '',
  'x'.repeat(101),
  'x'.repeat(100_001),
  'private',
  'message',
  0,
  1,
  -1,
  1.5,
  2 ** 60,
  true,
  null,
];

/** class-validator's own verdict, on an instance, the slow and usual way. */
const classValidatorAccepts = (dto: new () => object, payload: Record<string, unknown>): boolean =>
  validateSync(Object.assign(new dto(), payload), { forbidUnknownValues: true }).length === 0;

const fieldsOf = (dto: new () => object): string[] => {
  const seen = new Set<string>();
  // Unknown fields are refused, so the one that is accepted alone names itself.
  for (const key of [
    'room',
    'msg',
    'type',
    'target',
    'clientId',
    'fileId',
    'since',
    'cursor',
    'seq',
    'messageId',
    'emoji',
    'to',
    'typing',
    'before',
    'limit',
    'with',
  ]) {
    try {
      validatePayload(dto, { [key]: undefined });
      seen.add(key);
    } catch (error) {
      if (!(error instanceof DomainError) || !error.message.startsWith('unexpected field')) seen.add(key);
    }
  }
  return [...seen];
};

describe('validatePayload', () => {
  it.each(classes.map((dto) => [dto.name, dto] as const))('%s: accepts exactly what class-validator accepts', (_name, dto) => {
    const fields = fieldsOf(dto);
    expect(fields.length).toBeGreaterThan(0);
    let random = 42;
    const next = (): number => (random = (random * 1_103_515_245 + 12_345) % 2 ** 31);
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const payload: Record<string, unknown> = {};
      for (const field of fields) {
        const pick = next() % (candidates.length + 2);
        if (pick < candidates.length) payload[field] = candidates[pick];
      }
      const expected = classValidatorAccepts(dto, payload);
      let actual: boolean;
      try {
        validatePayload(dto, payload);
        actual = true;
      } catch (error) {
        expect(error).toBeInstanceOf(DomainError);
        actual = false;
      }
      if (actual !== expected)
        throw new Error(`${dto.name}: ${JSON.stringify(payload)} accepted=${actual}, class-validator says ${expected}`);
      if (actual) accepted++;
    }
    expect(accepted).toBeGreaterThan(0);
  });

  it('describes a refusal as class-validator does', () => {
    expect(() => validatePayload(dtos.JoinDto, { room: 5 })).toThrow(
      'room: room must be a string, room must be longer than or equal to 1 and shorter than or equal to 100 characters',
    );
    expect(() => validatePayload(dtos.JoinDto, { room: 'General', since: -1 })).toThrow('since: since must not be less than 0');
  });

  it('answers with the payload itself, once checked: nothing is built per event', () => {
    const payload = { room: 'General', msg: 'hi' };
    expect(validatePayload(dtos.MessageDto, payload)).toBe(payload);
  });
});
