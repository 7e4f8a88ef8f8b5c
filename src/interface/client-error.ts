import { ConcurrencyError, StoreUnavailableError } from '../application/ports/event-store.port';
import { RateLimitedError } from '../application/ports/rate-limiter.port';
import { DomainError } from '../domain/shared/domain-error';

export interface ClientError {
  readonly code: string;
  readonly message: string;
  readonly retryAfterMs?: number;
  /** When a ban or a mute ends (ISO 8601). */
  readonly until?: string;
}

/** What a client is told about a failure. `internal` errors are bugs: log them in full. */
export const toClientError = (error: unknown): ClientError & { internal: boolean } => {
  if (error instanceof DomainError) return { code: error.code, message: error.message, ...error.details, internal: false };
  if (error instanceof RateLimitedError)
    return { code: error.code, message: error.message, retryAfterMs: error.retryAfterMs, internal: false };
  if (error instanceof StoreUnavailableError) return { code: 'unavailable', message: 'Storage is unavailable; try again', internal: false };
  if (error instanceof ConcurrencyError) return { code: 'unavailable', message: 'Too busy; try again', internal: false };
  return { code: 'internal', message: 'Internal error', internal: true };
};
