import type { EventStore, NewEvent } from '../../application/ports/event-store.port';

/** A test helper, not production code: the behaviour every EventStore adapter must show. */
export interface StoreHarness {
  /** A fresh, empty store. */
  create(): Promise<EventStore>;
  /** A second handle on the same storage as `store` (another process, in effect), if the adapter has one. */
  reopen?(store: EventStore): Promise<EventStore>;
}

let counter = 0;
export const joined = (userId: string, room = 'General'): NewEvent => ({
  type: 'MemberJoined',
  data: { room, userId, username: userId },
  metadata: {
    eventId: `e-${++counter}`,
    occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, counter % 60)).toISOString(),
    correlationId: 'c-1',
    causationId: 'c-1',
    node: 'node-a',
  },
});

export const withMetadata = (event: Omit<NewEvent, 'metadata'>): NewEvent =>
  ({ ...event, metadata: { ...joined('x').metadata, eventId: `e-${++counter}` } }) as NewEvent;

export const sent = (seq: number, userId = 'u1', clientId?: string, room = 'General'): NewEvent =>
  withMetadata({
    type: 'MessageSent',
    data: { room, messageId: `m${seq}`, seq, userId, username: userId, text: `hello ${seq}`, ...(clientId ? { clientId } : {}) },
  });

export const edited = (seq: number, text: string): NewEvent =>
  withMetadata({ type: 'MessageEdited', data: { room: 'General', messageId: `m${seq}`, userId: 'u1', text } });

export const reacted = (seq: number, userId: string): NewEvent =>
  withMetadata({ type: 'ReactionAdded', data: { room: 'General', messageId: `m${seq}`, userId, username: userId, emoji: '👍' } });

export const privateMessage = (id: string, clientId?: string, from = 'u1', to = 'u2'): NewEvent =>
  withMetadata({
    type: 'PrivateMessageSent',
    data: { messageId: id, fromUserId: from, from, toUserId: to, to, text: `psst ${id}`, ...(clientId ? { clientId } : {}) },
  });
