/** How a PostgreSQL event store connects, follows the log and batches its appends. */
export interface PostgresEventStoreOptions {
  /** The schema the `events` table lives in; created if absent. Default `public`. */
  readonly schema?: string;
  /** How often a subscription polls besides LISTEN/NOTIFY, so nothing is ever missed. Default 250 ms. */
  readonly pollIntervalMs?: number;
  /** Connections in the pool. Default 10. */
  readonly poolSize?: number;
  /**
   * Batches of appends written at the same time, each on its own pooled connection. Default 1: the
   * appends that arrive meanwhile make the next batch bigger, which measured faster than more
   * batches queueing for the append lock.
   */
  readonly appendBatchesInFlight?: number;
  /** Shown in pg_stat_activity. Default `nest-chat-event-store`. */
  readonly applicationName?: string;
  /** Told about failures that are retried in the background (subscription reads, LISTEN reconnects, handler errors). */
  readonly onError?: (error: unknown, context: string) => void;
  /**
   * For specs only: awaited inside each append transaction (batch) after the rows are inserted and
   * before COMMIT, to make transactions commit out of position order on purpose.
   */
  readonly beforeCommit?: () => Promise<void>;
}
