import { StoreUnavailableError } from '../../application/ports/event-store.port';

/** SQLSTATEs and socket errors that mean "the database is not there (or not writable) right now". */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
  '57P01', // admin_shutdown (terminated by administrator)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up / shutting down)
  '55000', // object_not_in_prerequisite_state: the database does not accept connections now
  '53100', // disk_full
  '53200', // out_of_memory
  '53300', // too_many_connections
  '25006', // read_only_sql_transaction (a standby)
  '3D000', // invalid_catalog_name (no such database)
  '28000', // invalid_authorization_specification
  '28P01', // invalid_password
]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|connection error|Cannot use a pool after calling end|Client was closed|not queryable/i;

export const isUnavailable = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  if (error instanceof AggregateError) return error.errors.some(isUnavailable);
  return UNAVAILABLE_MESSAGES.test(error.message);
};

export const isUniqueViolation = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === '23505';

/** A message that repeats its sender's client id in its stream (the `events_client_id` index). */
export const isDuplicateClientId = (error: unknown): boolean =>
  isUniqueViolation(error) && (error as { constraint?: unknown }).constraint === 'events_client_id';

export const unavailable = (what: string, error: unknown): StoreUnavailableError =>
  error instanceof StoreUnavailableError
    ? error
    : new StoreUnavailableError(`Event store (PostgreSQL) ${what} failed: ${(error as Error).message || String(error)}`, {
        cause: error,
      });

/** A connection URL without its password, for messages. */
export const redact = (url: string): string => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
