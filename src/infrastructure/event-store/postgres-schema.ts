import { escapeIdentifier } from 'pg';

/** The PostgreSQL event log's DDL: `schema` is quoted as an identifier. Idempotent. */
export const postgresEventStoreSchema = (schema = 'public'): string => {
  const table = `${escapeIdentifier(schema)}.events`;
  return `
CREATE TABLE IF NOT EXISTS ${table} (
  position       bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stream_id      text        NOT NULL,
  version        integer     NOT NULL CHECK (version > 0),
  type           text        NOT NULL,
  data           jsonb       NOT NULL,
  metadata       jsonb       NOT NULL,
  recorded_at    timestamptz NOT NULL DEFAULT now(),
  transaction_id xid8        NOT NULL DEFAULT pg_current_xact_id(),
  CONSTRAINT events_stream_version UNIQUE (stream_id, version)
);
CREATE INDEX IF NOT EXISTS events_transaction_id ON ${table} (transaction_id);
`;
};
