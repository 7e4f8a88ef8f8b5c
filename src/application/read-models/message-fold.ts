import { normaliseEmoji } from '../../domain/shared/emoji';
import type { Attachment, MessageSent } from '../../domain/room/room.events';
import type { RecordedEvent } from '../ports/event-store.port';

/** A short quote of the message a reply answers: its author and first line, or that it is gone. */
export interface Quote {
  readonly id: string;
  readonly seq: number;
  readonly username: string;
  /** The first line, up to `QUOTE_LENGTH` characters; empty when the message is gone. */
  readonly msg: string;
  readonly deleted?: true;
}

export const QUOTE_LENGTH = 100;

export interface MessageView {
  readonly id: string;
  readonly seq: number;
  readonly room: string;
  readonly msg: string;
  readonly username: string;
  readonly userId: string;
  readonly timestamp: string;
  readonly clientId?: string;
  readonly attachment?: Attachment;
  /** When the author last edited it. */
  readonly editedAt?: string;
  /** A tombstone: the text and attachment are gone. */
  readonly deleted?: true;
  /** emoji → who reacted, in order */
  readonly reactions?: Readonly<Record<string, readonly string[]>>;
  /** A moderator removed it (a tombstone, `deleted` too): who, and why if they said. */
  readonly removed?: { readonly by: string; readonly reason?: string };
  /** The message it answers: its id, and the quote once it is resolved. */
  readonly replyTo?: Quote | { readonly id: string };
}

export interface HistoryPage {
  readonly messages: readonly MessageView[];
  readonly hasMore: boolean;
}

export const toMessageView = ({ data, metadata }: RecordedEvent<MessageSent>): MessageView => ({
  id: data.messageId,
  seq: data.seq,
  room: data.room,
  msg: data.text,
  username: data.username,
  userId: data.userId,
  timestamp: metadata.occurredAt,
  ...(data.clientId !== undefined ? { clientId: data.clientId } : {}),
  ...(data.attachment !== undefined ? { attachment: data.attachment } : {}),
  ...(data.replyTo !== undefined ? { replyTo: { id: data.replyTo } } : {}),
});

/** The quote of a message, as a reply shows it. */
export const quoteOf = (view: MessageView): Quote => {
  if (view.deleted === true) return { id: view.id, seq: view.seq, username: view.username, msg: '', deleted: true };
  const line = view.msg.split('\n', 1)[0] ?? '';
  const msg = [...line].length > QUOTE_LENGTH ? `${[...line].slice(0, QUOTE_LENGTH - 1).join('')}…` : line;
  return {
    id: view.id,
    seq: view.seq,
    username: view.username,
    msg: msg === '' && view.attachment !== undefined ? view.attachment.name : msg,
  };
};

/** Who reacted with what, by user id (names change), shown by name in the order they reacted. */
type Reactors = Map<string, Map<string, string>>;

const reactionsView = (reactors: Reactors): Readonly<Record<string, readonly string[]>> | undefined => {
  const entries = [...reactors].filter(([, users]) => users.size > 0).map(([emoji, users]) => [emoji, [...users.values()]] as const);
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
};

/** One message as the read model holds it: its view, who reacted, and the version of its last event. */
export interface Entry {
  view: MessageView;
  reactors: Reactors | undefined;
  version: number;
}

export const entryOf = (event: RecordedEvent<MessageSent>): Entry => ({
  view: toMessageView(event),
  reactors: undefined,
  version: event.version,
});

/** Folds a change (edit, delete, removal, reaction) into a message; views are immutable, so the view is replaced. */
export const applyChange = (entry: Entry, event: RecordedEvent): void => {
  if (event.version <= entry.version) return;
  entry.version = event.version;
  switch (event.type) {
    case 'MessageEdited':
      entry.view = { ...entry.view, msg: event.data.text, editedAt: event.metadata.occurredAt };
      return;
    case 'MessageDeleted':
    case 'MessageRemoved': {
      const { attachment: _, reactions: __, ...view } = entry.view;
      const removed =
        event.type === 'MessageRemoved'
          ? { removed: { by: event.data.byUsername, ...(event.data.reason !== undefined ? { reason: event.data.reason } : {}) } }
          : {};
      entry.view = { ...view, msg: '', deleted: true, ...removed };
      return;
    }
    case 'ReactionAdded':
    case 'ReactionRemoved': {
      const { userId, username } = event.data;
      // Stored before emoji had one spelling, with or without U+FE0F: one reaction either way.
      const emoji = normaliseEmoji(event.data.emoji);
      entry.reactors ??= new Map();
      let users = entry.reactors.get(emoji);
      if (users === undefined) entry.reactors.set(emoji, (users = new Map()));
      if (event.type === 'ReactionAdded') users.set(userId, username);
      else users.delete(userId);
      const reactions = reactionsView(entry.reactors);
      const { reactions: _, ...view } = entry.view;
      entry.view = reactions === undefined ? view : { ...view, reactions };
      return;
    }
    default:
      return;
  }
};

/**
 * Messages folded from their events (each message's `MessageSent` and its changes, in stream
 * order), as the read model would show them: how pages older than the window are built from the store.
 */
export const foldMessages = (events: readonly RecordedEvent[]): Map<string, MessageView> => {
  const entries = new Map<string, Entry>();
  for (const event of events) foldInto(entries, event);
  return new Map([...entries].map(([id, entry]) => [id, entry.view]));
};

/** Folds one event into the messages it is about; the message's entry, or undefined (not about a known message). */
const foldInto = (entries: Map<string, Entry>, event: RecordedEvent): Entry | undefined => {
  if (event.type === 'MessageSent') {
    const entry = entryOf(event);
    entries.set(event.data.messageId, entry);
    return entry;
  }
  if (!('messageId' in event.data)) return undefined;
  const entry = entries.get(event.data.messageId);
  if (entry !== undefined) applyChange(entry, event);
  return entry;
};

/**
 * Each event of `events` that is about a message (sent, edited, deleted, reacted to), with the
 * message as it stood just after it; `earlier` are the events before them about the messages they
 * change. How a resume replays, in order, the pushes a client missed.
 */
export const messageStates = (
  earlier: readonly RecordedEvent[],
  events: readonly RecordedEvent[],
): { event: RecordedEvent; view: MessageView }[] => {
  const entries = new Map<string, Entry>();
  for (const event of earlier) foldInto(entries, event);
  const states: { event: RecordedEvent; view: MessageView }[] = [];
  for (const event of events) {
    const entry = foldInto(entries, event);
    if (entry !== undefined) states.push({ event, view: entry.view });
  }
  return states;
};
