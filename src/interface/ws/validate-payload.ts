import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { DomainError } from '../../domain/shared/domain-error';

const describe = (errors: ValidationError[]): string =>
  errors
    .map((error) =>
      error.constraints?.whitelistValidation !== undefined
        ? `unexpected field "${error.property}"`
        : `${error.property}: ${Object.values(error.constraints ?? {}).join(', ')}`,
    )
    .join('; ');

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;

/** The payload as a DTO, or a DomainError('invalid_payload') naming what is wrong. */
export const validatePayload = <T extends object>(dto: new () => T, payload: unknown): T => {
  if (!isPlainObject(payload)) throw new DomainError('invalid_payload', 'Expected an object payload');
  const instance = plainToInstance(dto, payload, { enableImplicitConversion: false });
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length > 0) throw new DomainError('invalid_payload', describe(errors));
  return instance;
};
