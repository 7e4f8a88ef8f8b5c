import {
  getMetadataStorage,
  validateSync,
  ValidationTypes,
  type ValidationArguments,
  type ValidationError,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { DomainError } from '../../domain/shared/domain-error';

const describe = (errors: ValidationError[]): string =>
  errors.map((error) => `${error.property}: ${Object.values(error.constraints ?? {}).join(', ')}`).join('; ');

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;

/** A DTO's checks, read once from its class-validator decorators. */
type Compiled = {
  readonly fields: ReadonlySet<string>;
  /** Per property: the conditions under which it is checked (`@IsOptional`, `@ValidateIf`) and its constraints. */
  readonly properties: readonly {
    readonly name: string;
    readonly conditions: readonly ((object: object, value: unknown) => boolean)[];
    readonly constraints: readonly { readonly validator: ValidatorConstraintInterface; args: ValidationArguments }[];
  }[];
  /** Decorators other than plain constraints and conditions (nested, groups, `each`): class-validator checks every payload then. */
  readonly simple: boolean;
};

const compiled = new Map<new () => object, Compiled>();

const compile = (dto: new () => object): Compiled => {
  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(dto, '', true, false);
  const names = [...new Set(metadatas.map((m) => m.propertyName))];
  const simple = metadatas.every(
    (m) =>
      (m.type === ValidationTypes.CONDITIONAL_VALIDATION || m.type === ValidationTypes.CUSTOM_VALIDATION) &&
      m.each !== true &&
      m.always !== true &&
      (m.groups?.length ?? 0) === 0,
  );
  const properties = names.map((name) => {
    const own = metadatas.filter((m) => m.propertyName === name);
    return {
      name,
      conditions: own
        .filter((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION)
        .map((m) => (m.constraints as [(object: object, value: unknown) => boolean])[0]),
      constraints: own
        .filter((m) => m.type === ValidationTypes.CUSTOM_VALIDATION)
        .flatMap((m) =>
          storage.getTargetValidatorConstraints(m.constraintCls).map((constraint) => ({
            validator: constraint.instance as ValidatorConstraintInterface,
            args: { value: undefined, constraints: m.constraints, targetName: dto.name, object: {}, property: name },
          })),
        ),
    };
  });
  return { fields: new Set(names), properties, simple };
};

/** True when every constraint of the DTO holds for the payload: the checks class-validator would run, without its per-call set-up. */
const holds = ({ properties }: Compiled, payload: Record<string, unknown>): boolean => {
  for (const { name, conditions, constraints } of properties) {
    const value = payload[name];
    if (conditions.some((condition) => !condition(payload, value))) continue;
    for (const { validator, args } of constraints) {
      args.value = value;
      args.object = payload;
      if (validator.validate(value, args) !== true) return false;
    }
  }
  return true;
};

/**
 * The payload as a DTO, or a DomainError('invalid_payload') naming what is wrong. Every DTO field is
 * a scalar, so the payload is checked key by key before anything reads it: unknown keys (also
 * `__proto__`, `constructor`, `toString`), objects and arrays are refused, and no library ever walks
 * untrusted nesting. Strings with U+0000 are refused too. The DTO's class-validator decorators are
 * the one source of truth: their constraints, read once per DTO, are run on the payload itself; a
 * payload they refuse goes through class-validator's `validateSync` for its usual description.
 */
export const validatePayload = <T extends object>(dto: new () => T, payload: unknown): T => {
  if (!isPlainObject(payload)) throw new DomainError('invalid_payload', 'Expected an object payload');
  let checks = compiled.get(dto);
  if (checks === undefined) compiled.set(dto, (checks = compile(dto)));
  for (const key in payload) {
    if (!checks.fields.has(key)) throw new DomainError('invalid_payload', `unexpected field "${key.slice(0, 40)}"`);
    const value = payload[key];
    if (typeof value === 'object' && value !== null)
      throw new DomainError('invalid_payload', `${key}: must be a string, number or boolean`);
    // No store keeps U+0000 alike (PostgreSQL's jsonb refuses it), and no chat text needs it.
    if (typeof value === 'string' && value.includes('\u0000')) throw new DomainError('invalid_payload', `${key}: must not contain U+0000`);
  }
  if (checks.simple && holds(checks, payload)) return payload as T;
  const instance = Object.assign(new dto(), payload);
  const errors = validateSync(instance, { forbidUnknownValues: true });
  if (errors.length > 0) throw new DomainError('invalid_payload', describe(errors));
  return instance;
};
