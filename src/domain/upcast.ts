import type { DomainEvent } from './events';

/** An event as the log holds it, in whatever shape it was written. */
export interface StoredShape {
  readonly type: string;
  readonly data: unknown;
}

type Upcaster = (event: { readonly type: string; readonly data: Record<string, unknown> }) => StoredShape;

/**
 * Old event shapes, brought up to date as they are read. The log is never rewritten: when the shape
 * of a stored event type changes, the old shape gets an entry here (keyed by the stored `type`, so
 * a renamed type can be mapped too), and every store's read path passes each event through `upcast`.
 */
const UPCASTERS: Readonly<Partial<Record<string, Upcaster>>> = {
  /**
   * Logs written before presence counted connections have `ConnectionClosed` without `remaining`.
   * Nothing replays that count (the presence state holds the connections themselves); -1 says it
   * was not recorded.
   */
  ConnectionClosed: (event) => ('remaining' in event.data ? event : { ...event, data: { ...event.data, remaining: -1 } }),
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether events of a stored type may need bringing up to date (most never do, and skip `upcast`). */
export const hasUpcaster = (type: string): boolean => UPCASTERS[type] !== undefined;

/** The current shape of a stored event. */
export const upcast = (stored: StoredShape): DomainEvent => {
  const upcaster = UPCASTERS[stored.type];
  const current = upcaster !== undefined && isRecord(stored.data) ? upcaster({ type: stored.type, data: stored.data }) : stored;
  return { type: current.type, data: current.data } as DomainEvent;
};
