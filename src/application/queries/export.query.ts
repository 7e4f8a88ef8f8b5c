import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { sessionStream } from '../../domain/session/session.decider';
import type { Attachment } from '../../domain/room/room.events';
import { normaliseEmoji } from '../../domain/shared/emoji';
import { Clock } from '../ports/clock.port';
import { EventStore, type AuthoredType, type RecordedEvent } from '../ports/event-store.port';
import { PrivateHistory } from '../private-history';
import { foldMessages, type MessageView } from '../read-models/rooms.read-model';
import { UsersReadModel, type PrivateMessageView } from '../read-models/users.read-model';
import { UserDirectory } from '../user-directory';

/**
 * How many events an export reads from the store at a time. Memory holds one page (and the events of
 * its messages) however much the user wrote: the sections are async iterables, read as they are written out.
 */
export const EXPORT_PAGE = 200;

export interface ExportedRoomMessage {
  readonly room: string;
  readonly id: string;
  readonly seq: number;
  /** As it now stands: the last edit, or empty once deleted. */
  readonly text: string;
  readonly editedAt?: string;
  readonly deleted: boolean;
  readonly attachment?: Attachment;
  /** emoji → who reacted, by name */
  readonly reactions: Readonly<Record<string, readonly string[]>>;
  readonly timestamp: string;
}

export interface ExportedPrivateMessage {
  /** The other side of the conversation, by their current name. */
  readonly with: string;
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly text: string;
  readonly editedAt?: string;
  readonly deleted: boolean;
  readonly attachment?: Attachment;
  readonly reactions: Readonly<Record<string, readonly string[]>>;
  readonly timestamp: string;
}

/** A reaction the user made that still stands: on a room message (`room`) or a private one (`with`). */
export type ExportedReaction = ({ readonly room: string } | { readonly with: string }) & {
  readonly messageId: string;
  readonly emoji: string;
  readonly at: string;
};

/** A file the user uploaded: its metadata, never its bytes. */
export interface ExportedFile {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly size: number;
  readonly uploadedAt: string;
  readonly shared: boolean;
  readonly expired: boolean;
}

export interface UserExport {
  readonly exportedAt: string;
  /** The log's position the export is folded up to: later events are left out of every section. */
  readonly position: number;
  readonly account: { readonly username: string; readonly kind: 'guest' | 'account'; readonly startedAt?: string };
  readonly readMarkers: {
    readonly rooms: readonly { readonly room: string; readonly seq: number }[];
    readonly private: readonly { readonly with: string; readonly seq: number }[];
  };
  readonly roomMessages: AsyncIterable<ExportedRoomMessage>;
  readonly privateMessages: AsyncIterable<ExportedPrivateMessage>;
  readonly reactions: AsyncIterable<ExportedReaction>;
  readonly files: AsyncIterable<ExportedFile>;
}

/**
 * Everything a user wrote or received, folded from the log up to its head when asked. The account and
 * read markers come from the session's state; the sections are read page by page as they are
 * consumed, from indexes only: the user's own facts by the author index (`readAuthored`), their
 * private conversations by the pair index (the partners from `UsersReadModel`), and each page's
 * messages with every change to them by the message index. Undefined for a session never started.
 */
export class ExportUserDataQuery extends Query<UserExport | undefined> {
  constructor(readonly userId: string) {
    super();
  }
}

type Reactor = { readonly userId: string; readonly emoji: string };

const key = (...parts: string[]): string => parts.join('\u0000');

const roomMessageOf = (view: MessageView): ExportedRoomMessage => ({
  room: view.room,
  id: view.id,
  seq: view.seq,
  text: view.msg,
  ...(view.editedAt !== undefined ? { editedAt: view.editedAt } : {}),
  deleted: view.deleted === true,
  ...(view.attachment !== undefined ? { attachment: view.attachment } : {}),
  reactions: view.reactions ?? {},
  timestamp: view.timestamp,
});

const privateMessageOf = (view: PrivateMessageView, withName: string): ExportedPrivateMessage => ({
  with: withName,
  id: view.id,
  from: view.from,
  to: view.to,
  text: view.msg,
  ...(view.editedAt !== undefined ? { editedAt: view.editedAt } : {}),
  deleted: view.deleted === true,
  ...(view.attachment !== undefined ? { attachment: view.attachment } : {}),
  reactions: Object.fromEntries(Object.entries(view.reactions ?? {}).map(([emoji, users]) => [emoji, Object.values(users)])),
  timestamp: view.timestamp,
});

/** The message ids of these events, by stream. */
const idsByStream = (events: readonly RecordedEvent[]): Map<string, string[]> => {
  const streams = new Map<string, string[]>();
  for (const event of events) {
    const { messageId } = event.data as { messageId: string };
    const ids = streams.get(event.streamId);
    if (ids === undefined) streams.set(event.streamId, [messageId]);
    else if (!ids.includes(messageId)) ids.push(messageId);
  }
  return streams;
};

/**
 * The position of `userId`'s last reaction event per message and emoji among `events` (-1 when it
 * took the reaction back): a reaction stands when its `…Added` is the last.
 */
const lastReactions = (events: readonly RecordedEvent[], userId: string, added: string, removed: string): Map<string, number> => {
  const last = new Map<string, number>();
  for (const event of events) {
    if (event.type !== added && event.type !== removed) continue;
    const { messageId, ...reactor } = event.data as Reactor & { messageId: string };
    if (reactor.userId !== userId) continue;
    last.set(key(event.streamId, messageId, normaliseEmoji(reactor.emoji)), event.type === added ? event.position : -1);
  }
  return last;
};

@QueryHandler(ExportUserDataQuery)
export class ExportUserDataHandler implements IQueryHandler<ExportUserDataQuery> {
  constructor(
    private readonly store: EventStore,
    private readonly users: UsersReadModel,
    private readonly directory: UserDirectory,
    private readonly privateHistory: PrivateHistory,
    private readonly clock: Clock,
  ) {}

  async execute({ userId }: ExportUserDataQuery): Promise<UserExport | undefined> {
    const session = await this.directory.session(userId);
    if (session.status !== 'Active') return undefined;
    const asOf = await this.store.headPosition();
    const [started] = await this.store.readStream(sessionStream(userId), 1, 1);
    const conversationsRead: { with: string; seq: number }[] = [];
    for (const [other, seq] of session.privateReadSeq) {
      const name = await this.directory.usernameOf(other);
      if (name !== undefined) conversationsRead.push({ with: name, seq });
    }
    return {
      exportedAt: this.clock.now().toISOString(),
      position: asOf,
      account: {
        username: session.username,
        kind: session.kind,
        ...(started !== undefined ? { startedAt: started.metadata.occurredAt } : {}),
      },
      readMarkers: { rooms: [...session.readSeq].map(([room, seq]) => ({ room, seq })), private: conversationsRead },
      roomMessages: this.roomMessages(userId, asOf),
      privateMessages: this.privateMessages(userId, asOf),
      reactions: this.reactions(userId, asOf),
      files: this.files(userId, asOf),
    };
  }

  /** The user's events of one type up to `asOf`, a page at a time, oldest first. */
  private async *authored(userId: string, type: AuthoredType, asOf: number): AsyncGenerator<RecordedEvent[]> {
    for (let after = 0; ;) {
      const page = await this.store.readAuthored(userId, type, after, EXPORT_PAGE);
      const within = page.filter((event) => event.position <= asOf);
      if (within.length > 0) yield within;
      if (page.length < EXPORT_PAGE || within.length < page.length) return;
      after = page[page.length - 1]!.position;
    }
  }

  /** Every event up to `asOf` about the messages these events are about, by stream: one indexed read per stream. */
  private async messageEvents(events: readonly RecordedEvent[], asOf: number): Promise<Map<string, RecordedEvent[]>> {
    const found = new Map<string, RecordedEvent[]>();
    for (const [stream, ids] of idsByStream(events)) {
      found.set(
        stream,
        (await this.store.readMessageEvents(stream, ids)).filter((event) => event.position <= asOf),
      );
    }
    return found;
  }

  /** The room messages the user wrote, in log order, each as it stood at `asOf`. */
  private async *roomMessages(userId: string, asOf: number): AsyncGenerator<ExportedRoomMessage> {
    for await (const page of this.authored(userId, 'MessageSent', asOf)) {
      const views = new Map<string, MessageView>();
      for (const [stream, events] of await this.messageEvents(page, asOf)) {
        for (const [id, view] of foldMessages(events)) views.set(key(stream, id), view);
      }
      for (const event of page) {
        const view = views.get(key(event.streamId, (event.data as { messageId: string }).messageId));
        if (view !== undefined) yield roomMessageOf(view);
      }
    }
  }

  /** The private messages the user sent or received, conversation by conversation, each as it stood at `asOf`. */
  private async *privateMessages(userId: string, asOf: number): AsyncGenerator<ExportedPrivateMessage> {
    for (const other of this.users.conversationPartners(userId)) {
      const name = await this.directory.usernameOf(other);
      for (let after = 0; ;) {
        const page = await this.store.readConversationAfter(userId, other, after, EXPORT_PAGE);
        const within = page.filter((event) => event.position <= asOf);
        const sent = within.filter((event) => event.type === 'PrivateMessageSent');
        const ids = sent.map((event) => (event.data as { messageId: string }).messageId);
        const views =
          ids.length === 0 ? new Map<string, PrivateMessageView>() : await this.privateHistory.messages(userId, other, ids, asOf);
        for (const id of ids) {
          const view = views.get(id);
          if (view !== undefined) yield privateMessageOf(view, name ?? (view.fromUserId === userId ? view.to : view.from));
        }
        if (page.length < EXPORT_PAGE || within.length < page.length) break;
        after = page[page.length - 1]!.position;
      }
    }
  }

  /** The reactions the user made that still stand at `asOf`: in rooms, then in private conversations, each in log order. */
  private async *reactions(userId: string, asOf: number): AsyncGenerator<ExportedReaction> {
    for await (const page of this.authored(userId, 'ReactionAdded', asOf)) {
      const events = await this.messageEvents(page, asOf);
      const last = lastReactions([...events.values()].flat(), userId, 'ReactionAdded', 'ReactionRemoved');
      const deleted = new Set<string>();
      for (const [stream, about] of events) {
        for (const [id, view] of foldMessages(about)) if (view.deleted === true) deleted.add(key(stream, id));
      }
      for (const event of page) {
        const { room, messageId, emoji } = event.data as { room: string; messageId: string; emoji: string };
        const at = key(event.streamId, messageId, normaliseEmoji(emoji));
        if (last.get(at) === event.position && !deleted.has(key(event.streamId, messageId)))
          yield { room, messageId, emoji: normaliseEmoji(emoji), at: event.metadata.occurredAt };
      }
    }
    yield* this.privateReactions(userId, asOf);
  }

  /** Private reactions are in the reactor's own stream; whether the message is deleted, in its author's. */
  private async *privateReactions(userId: string, asOf: number): AsyncGenerator<ExportedReaction> {
    for await (const page of this.authored(userId, 'PrivateReactionAdded', asOf)) {
      const mine = await this.messageEvents(page, asOf);
      const last = lastReactions([...mine.values()].flat(), userId, 'PrivateReactionAdded', 'PrivateReactionRemoved');
      const byOther = new Map<string, string[]>();
      for (const event of page) {
        const { fromUserId, toUserId, messageId } = event.data as { fromUserId: string; toUserId: string; messageId: string };
        const other = fromUserId === userId ? toUserId : fromUserId;
        const ids = byOther.get(other);
        if (ids === undefined) byOther.set(other, [messageId]);
        else ids.push(messageId);
      }
      // Views and names for this page only, so memory does not grow with the user's conversations.
      const views = new Map<string, PrivateMessageView>();
      const names = new Map<string, string | undefined>();
      for (const [other, ids] of byOther) {
        for (const [id, view] of await this.privateHistory.messages(userId, other, ids, asOf)) views.set(key(other, id), view);
        names.set(other, await this.directory.usernameOf(other));
      }
      for (const event of page) {
        const { fromUserId, toUserId, messageId, emoji } = event.data as Reactor & {
          fromUserId: string;
          toUserId: string;
          messageId: string;
        };
        const other = fromUserId === userId ? toUserId : fromUserId;
        const view = views.get(key(other, messageId));
        if (view === undefined || view.deleted === true) continue;
        if (last.get(key(event.streamId, messageId, normaliseEmoji(emoji))) !== event.position) continue;
        const withName = names.get(other) ?? (view.fromUserId === other ? view.from : view.to);
        yield { with: withName, messageId, emoji: normaliseEmoji(emoji), at: event.metadata.occurredAt };
      }
    }
  }

  /** The files the user uploaded, in upload order: metadata, and whether shared or expired at `asOf` (a file's stream is at most three events). */
  private async *files(userId: string, asOf: number): AsyncGenerator<ExportedFile> {
    for await (const page of this.authored(userId, 'FileUploaded', asOf)) {
      const streams = await Promise.all(page.map((event) => this.store.readStream(event.streamId, 1, 10)));
      for (const [i, event] of page.entries()) {
        const facts = streams[i]!.filter((fact) => fact.position <= asOf);
        const { fileId, name, type, size } = event.data as Attachment;
        yield {
          id: fileId,
          name,
          type,
          size,
          uploadedAt: event.metadata.occurredAt,
          shared: facts.some((fact) => fact.type === 'FileShared'),
          expired: facts.some((fact) => fact.type === 'FileExpired'),
        };
      }
    }
  }
}
