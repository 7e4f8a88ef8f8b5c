import type { RecordedEvent } from '../ports/event-store.port';

/** An in-memory read model, kept current by folding every event of the log in order. */
export interface Projection {
  apply(event: RecordedEvent): void;
  /** Plain data describing the whole model, for comparing a rebuild with the live state. */
  snapshot(): unknown;
}
