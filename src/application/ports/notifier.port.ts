import type { RecordedEvent } from './event-store.port';

/** Pushes what happened out to connected clients. Called once per event, on the node that appended it. */
export abstract class Notifier {
  abstract publish(event: RecordedEvent): void;
}
