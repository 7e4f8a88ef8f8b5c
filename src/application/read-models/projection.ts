import type { RecordedEvent } from '../ports/event-store.port';

/** An in-memory read model, kept current by folding every event of the log in order. */
export interface Projection {
  apply(event: RecordedEvent): void;
  /** Plain data describing the whole model, for comparing a rebuild with the live state. */
  snapshot(): unknown;
  /** The model's state to save (Maps and Sets allowed, see `state-codec.ts`), as of the last event applied. */
  exportState(): unknown;
  /** Replaces the model's state with one `exportState` gave; throws on a shape it does not know. */
  importState(state: unknown): void;
  /** Back to the empty model, as before the first event. */
  reset(): void;
}
