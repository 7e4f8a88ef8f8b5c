import { ConcurrencyError, type ExpectedVersion, type NewEvent, type RecordedEvent } from '../../application/ports/event-store.port';
import { LocalEventStore } from './local-event-store';

export class InMemoryEventStore extends LocalEventStore {
  private readonly log: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();

  protected appendSync(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): RecordedEvent[] {
    let stream = this.streams.get(streamId);
    if (stream === undefined) this.streams.set(streamId, (stream = []));
    if (expectedVersion !== 'any' && stream.length !== expectedVersion) {
      throw new ConcurrencyError(streamId, expectedVersion, stream.length);
    }
    const version = stream.length;
    const recorded = events.map((event, i): RecordedEvent => ({
      ...event,
      streamId,
      version: version + i + 1,
      position: this.log.length + i + 1,
    }));
    stream.push(...recorded);
    this.log.push(...recorded);
    return recorded;
  }

  protected readStreamSync(streamId: string, fromVersion: number): RecordedEvent[] {
    return (this.streams.get(streamId) ?? []).slice(Math.max(0, fromVersion - 1));
  }

  protected readStreamBackwardSync(streamId: string, beforeVersion: number, limit: number): RecordedEvent[] {
    const stream = this.streams.get(streamId) ?? [];
    const end = Math.min(stream.length, Math.max(0, beforeVersion - 1));
    return stream.slice(Math.max(0, end - limit), end).reverse();
  }

  protected readAllSync(fromPosition: number, limit: number): RecordedEvent[] {
    return this.log.slice(fromPosition, fromPosition + limit);
  }

  protected headPositionSync(): number {
    return this.log.length;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
