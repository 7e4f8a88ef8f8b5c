import { getMetadataStorage, validateSync, type ValidationError } from 'class-validator';
import { DomainError } from '../../domain/shared/domain-error';

const describe = (errors: ValidationError[]): string =>
  errors.map((error) => `${error.property}: ${Object.values(error.constraints ?? {}).join(', ')}`).join('; ');

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;

const fieldsByDto = new Map<new () => object, ReadonlySet<string>>();

/** The properties a DTO declares, read once from its class-validator decorators. */
const fieldsOf = (dto: new () => object): ReadonlySet<string> => {
  let fields = fieldsByDto.get(dto);
  if (fields === undefined) {
    fields = new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(dto, '', true, false)
        .map((m) => m.propertyName),
    );
    fieldsByDto.set(dto, fields);
  }
  return fields;
};

/**
 * The payload as a DTO, or a DomainError('invalid_payload') naming what is wrong. Every DTO field is
 * a scalar, so the payload is checked key by key before anything reads it: unknown keys (also
 * `__proto__`, `constructor`, `toString`), objects and arrays are refused, and no library ever walks
 * untrusted nesting. Strings with U+0000 are refused too.
 */
export const validatePayload = <T extends object>(dto: new () => T, payload: unknown): T => {
  if (!isPlainObject(payload)) throw new DomainError('invalid_payload', 'Expected an object payload');
  const fields = fieldsOf(dto);
  const instance = new dto() as Record<string, unknown>;
  for (const key of Object.keys(payload)) {
    if (!fields.has(key)) throw new DomainError('invalid_payload', `unexpected field "${key.slice(0, 40)}"`);
    const value = payload[key];
    if (typeof value === 'object' && value !== null)
      throw new DomainError('invalid_payload', `${key}: must be a string, number or boolean`);
    // No store keeps U+0000 alike (PostgreSQL's jsonb refuses it), and no chat text needs it.
    if (typeof value === 'string' && value.includes('\u0000')) throw new DomainError('invalid_payload', `${key}: must not contain U+0000`);
    Object.defineProperty(instance, key, { value, enumerable: true, writable: true, configurable: true });
  }
  const errors = validateSync(instance, { forbidUnknownValues: true });
  if (errors.length > 0) throw new DomainError('invalid_payload', describe(errors));
  return instance as T;
};
