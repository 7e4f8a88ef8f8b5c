import { Injectable } from '@nestjs/common';
import { usernameStream } from '../../domain/username/username.decider';
import type { Attachment } from '../../domain/room/room.events';
import type { PrivateMessageChanged, PrivateMessageSent } from '../../domain/session/session.events';
import { PRIVATE_CHANGES } from '../../domain/session/session.events';
import { normaliseEmoji } from '../../domain/shared/emoji';
import { AppConfig } from '../ports/app-config';
import type { RecordedEvent } from '../ports/event-store.port';
import { NameKey } from '../ports/name-key.port';
import { refill } from '../state-codec';
import type { Projection } from './projection';

export interface PrivateMessageView {
  readonly id: string;
  readonly msg: string;
  readonly from: string;
  readonly to: string;
  readonly fromUserId: string;
  readonly toUserId: string;
  readonly timestamp: string;
  /** Its position in the log: it grows along the conversation (not gapless), the conversation's cursor. */
  readonly seq: number;
  readonly clientId?: string;
  readonly attachment?: Attachment;
  readonly editedAt?: string;
  readonly deleted?: true;
  /** emoji → who reacted with it (user id → name, in the order they reacted); absent when nobody did. */
  readonly reactions?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface OnlineUser {
  readonly userId: string;
  readonly username: string;
}

export const toPrivateMessageView = ({ data, metadata, position }: RecordedEvent<PrivateMessageSent>): PrivateMessageView => ({
  id: data.messageId,
  msg: data.text,
  from: data.from,
  to: data.to,
  fromUserId: data.fromUserId,
  toUserId: data.toUserId,
  timestamp: metadata.occurredAt,
  seq: position,
  ...(data.clientId !== undefined ? { clientId: data.clientId } : {}),
  ...(data.attachment !== undefined ? { attachment: data.attachment } : {}),
});

export const isPrivateChange = (event: RecordedEvent): event is RecordedEvent<PrivateMessageChanged> => PRIVATE_CHANGES.has(event.type);

/** A private message after one more change to it (an edit, a delete, a reaction); the same view when it changes nothing. */
export const applyPrivateChange = (view: PrivateMessageView, event: RecordedEvent<PrivateMessageChanged>): PrivateMessageView => {
  switch (event.type) {
    case 'PrivateMessageEdited':
      return view.deleted === true ? view : { ...view, msg: event.data.text, editedAt: event.metadata.occurredAt };
    case 'PrivateMessageDeleted': {
      const { attachment: _, reactions: __, ...rest } = view;
      return { ...rest, msg: '', deleted: true };
    }
    case 'PrivateReactionAdded':
    case 'PrivateReactionRemoved': {
      if (view.deleted === true) return view;
      const emoji = normaliseEmoji(event.data.emoji);
      const users = { ...(view.reactions?.[emoji] ?? {}) };
      if (event.type === 'PrivateReactionAdded') users[event.data.userId] = event.data.username;
      else delete users[event.data.userId];
      const reactions = { ...(view.reactions ?? {}), [emoji]: users };
      if (Object.keys(users).length === 0) delete reactions[emoji];
      const { reactions: _, ...rest } = view;
      return Object.keys(reactions).length === 0 ? rest : { ...rest, reactions };
    }
  }
};

const pairKey = (a: string, b: string): string => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

const clientKey = (fromUserId: string, clientId: string): string => `${fromUserId}\u0000${clientId}`;

/** A private message in a conversation's window (as it now is), with where it sits in the log (pages are cut by position). */
export interface PrivateEntry {
  view: PrivateMessageView;
  readonly position: number;
}

interface Conversation {
  /** The newest HISTORY_WINDOW messages between the two users, oldest first. */
  readonly window: PrivateEntry[];
  /** Older messages left the window: they are in the store only. */
  older: boolean;
  /** The position of the conversation's newest event this model has applied: a message or a change to one. */
  head?: number;
}

/**
 * How many recent registrations are remembered, for a connection identified just before its registration
 * (or a presence stream that still knows the old name): it comes online under the old name, and is shown
 * under the new one.
 */
export const RECENT_REGISTRATIONS = 1024;

/** A claim written before names compared by their skeleton, on a stream other than its key's. */
export interface LegacyClaim {
  readonly userId: string;
  readonly username: string;
}

/**
 * What is live about users: who is online (under the session's current name), and the newest
 * `HISTORY_WINDOW` messages of each private conversation (pair of users), with their indexes by id and
 * by (sender, client id). Nothing here grows with the sessions ever started: a session (its name, whether
 * it is an account, its signed-out tokens) and a name's owner are read from their streams on demand
 * (`UserDirectory`, through the `CommandExecutor`'s cache). Older private messages are read from the
 * store (`PrivateHistory`).
 *
 * Claims from before the skeleton key (on `username-<NFKC-lowercased name>`) are held here until a claim
 * on their key's own stream is seen: `LegacyClaims` copies them there at start, so this is empty then.
 */
@Injectable()
export class UsersReadModel implements Projection {
  private readonly online = new Map<string, OnlineUser>();
  private readonly onlineByName = new Map<string, string>();
  /** Name key → the first claim of that key not yet on the key's own stream. */
  private readonly legacy = new Map<string, LegacyClaim>();
  /** User id → account name, for the last RECENT_REGISTRATIONS registrations (oldest first). */
  private readonly registered = new Map<string, string>();
  private readonly conversations = new Map<string, Conversation>();
  /** User id → the conversations they are in (keys of `conversations`): an index over them. */
  private readonly conversationsByUser = new Map<string, Set<string>>();
  /** Messages of the windows, by (sender, client id) and by id. */
  private readonly privateByClientKey = new Map<string, PrivateEntry>();
  private readonly privateById = new Map<string, PrivateEntry>();
  private readonly windowSize: number;
  private activeUsersCache: string[] | undefined;
  /** The user the last `UserWentOffline` took offline, and the name they were online under (for the push that follows it). */
  private lastWentOffline: OnlineUser | undefined;

  constructor(
    private readonly names: NameKey,
    config: AppConfig,
  ) {
    this.windowSize = config.historyWindow;
  }

  apply(event: RecordedEvent): void {
    switch (event.type) {
      case 'AccountRegistered': {
        const { sessionId, username } = event.data;
        const online = this.online.get(sessionId);
        if (online !== undefined) {
          this.online.set(sessionId, { ...online, username });
          if (this.onlineByName.get(online.username) === sessionId) this.onlineByName.delete(online.username);
          this.onlineByName.set(username, sessionId);
          this.activeUsersCache = undefined;
        }
        // A name changes once (guest → account), so this is the session's name for good.
        this.registered.delete(sessionId);
        this.registered.set(sessionId, username);
        if (this.registered.size > RECENT_REGISTRATIONS) this.registered.delete(this.registered.keys().next().value!);
        return;
      }
      case 'UsernameClaimed': {
        const key = this.names.key(event.data.username);
        if (event.streamId === usernameStream(key)) this.legacy.delete(key);
        // Claims older than the skeleton key may share a key; the first one keeps it.
        else if (!this.legacy.has(key)) this.legacy.set(key, { userId: event.data.userId, username: event.data.username });
        return;
      }
      // Connections are not history (the ConnectionRegistry holds them); old logs still carry
      // ConnectionOpened and ConnectionClosed, which change nothing here.
      case 'UserWentOnline': {
        // The session's name now (GoOnline reads it in the presence stream's turn), unless a registration
        // came in between: a connection identified just before it comes online under the new name.
        const username = this.registered.get(event.data.userId) ?? event.data.username;
        this.online.set(event.data.userId, { userId: event.data.userId, username });
        this.onlineByName.set(username, event.data.userId);
        this.activeUsersCache = undefined;
        return;
      }
      case 'UserWentOffline': {
        // The event carries the name the user came online under; a registration since renamed them.
        const username = this.online.get(event.data.userId)?.username ?? event.data.username;
        this.online.delete(event.data.userId);
        if (this.onlineByName.get(username) === event.data.userId) this.onlineByName.delete(username);
        this.lastWentOffline = { userId: event.data.userId, username };
        this.activeUsersCache = undefined;
        return;
      }
      case 'PrivateMessageSent':
        this.pushPrivate({ view: toPrivateMessageView(event), position: event.position });
        return;
      case 'PrivateMessageEdited':
      case 'PrivateMessageDeleted':
      case 'PrivateReactionAdded':
      case 'PrivateReactionRemoved': {
        const conversation = this.conversations.get(pairKey(event.data.fromUserId, event.data.toUserId));
        if (conversation !== undefined) conversation.head = Math.max(conversation.head ?? 0, event.position);
        // Outside the window the store has it: pages and catch-ups fold it there.
        const entry = this.privateById.get(event.data.messageId);
        if (entry !== undefined) entry.view = applyPrivateChange(entry.view, event);
        return;
      }
      default:
        return;
    }
  }

  /** The name the user was online under when the last `UserWentOffline` (theirs) took them offline. */
  wentOfflineAs(userId: string): string | undefined {
    return this.lastWentOffline?.userId === userId ? this.lastWentOffline.username : undefined;
  }

  /** A claim from before the skeleton key, of this key, not yet copied to the key's own stream. */
  legacyClaim(key: string): LegacyClaim | undefined {
    return this.legacy.get(key);
  }

  /** Every claim from before the skeleton key not yet copied to its key's own stream, by key, oldest first. */
  legacyClaims(): (readonly [string, LegacyClaim])[] {
    return [...this.legacy];
  }

  /** De-duplicated online usernames, in the order they came online. */
  activeUsers(): string[] {
    return (this.activeUsersCache ??= [...this.online.values()].map((user) => user.username));
  }

  onlineUsers(): OnlineUser[] {
    return [...this.online.values()];
  }

  /** The name this user is online under (always the session's current name), or undefined when offline. */
  onlineUsername(userId: string): string | undefined {
    return this.online.get(userId)?.username;
  }

  isOnline(userId: string): boolean {
    return this.online.has(userId);
  }

  onlineUserNamed(username: string): OnlineUser | undefined {
    const userId = this.onlineByName.get(username);
    return userId === undefined ? undefined : this.online.get(userId);
  }

  private indexConversation(key: string, a: string, b: string): void {
    for (const userId of [a, b]) {
      let keys = this.conversationsByUser.get(userId);
      if (keys === undefined) this.conversationsByUser.set(userId, (keys = new Set()));
      keys.add(key);
    }
  }

  /** The other side of each private conversation of the user (the user themself for notes to self), as the index now holds them. */
  *conversationPartners(userId: string): Generator<string> {
    for (const key of this.conversationsByUser.get(userId) ?? []) {
      const [a, b] = key.split('\u0000') as [string, string];
      yield a === userId ? b : a;
    }
  }

  /** The last message of each private conversation of the user, newest first, at most `limit`. */
  lastMessagesOf(userId: string, limit: number): PrivateMessageView[] {
    const last: PrivateEntry[] = [];
    for (const key of this.conversationsByUser.get(userId) ?? []) {
      const newest = this.conversations.get(key)?.window.at(-1);
      if (newest !== undefined) last.push(newest);
    }
    return last
      .sort((a, b) => b.position - a.position)
      .slice(0, limit)
      .map((entry) => entry.view);
  }

  /** A new message enters its conversation's window; the oldest one leaves it once the window is full. */
  private pushPrivate(entry: PrivateEntry): void {
    const { view } = entry;
    const key = pairKey(view.fromUserId, view.toUserId);
    let conversation = this.conversations.get(key);
    if (conversation === undefined) {
      this.conversations.set(key, (conversation = { window: [], older: false }));
      this.indexConversation(key, view.fromUserId, view.toUserId);
    }
    conversation.window.push(entry);
    conversation.head = Math.max(conversation.head ?? 0, entry.position);
    this.privateById.set(view.id, entry);
    if (view.clientId !== undefined) this.privateByClientKey.set(clientKey(view.fromUserId, view.clientId), entry);
    if (conversation.window.length <= this.windowSize) return;
    const gone = conversation.window.shift()!.view;
    conversation.older = true;
    this.privateById.delete(gone.id);
    if (gone.clientId !== undefined) this.privateByClientKey.delete(clientKey(gone.fromUserId, gone.clientId));
  }

  /** A private message of a window sent by this user with this client id; older ones are in the store. */
  privateSentWithClientId(fromUserId: string, clientId: string): PrivateMessageView | undefined {
    return this.privateByClientKey.get(clientKey(fromUserId, clientId))?.view;
  }

  /** A private message of the window of the conversation between these two users, with its position. */
  privateEntry(userId: string, otherUserId: string, id: string): PrivateEntry | undefined {
    const entry = this.privateById.get(id);
    return entry !== undefined && pairKey(entry.view.fromUserId, entry.view.toUserId) === pairKey(userId, otherUserId) ? entry : undefined;
  }

  /**
   * The window of a conversation (oldest first), whether older messages left it for the store, and
   * the position of its newest event applied here (0: none).
   */
  conversationWindow(
    userId: string,
    otherUserId: string,
  ): { readonly window: readonly PrivateEntry[]; readonly older: boolean; readonly head: number } {
    const conversation = this.conversations.get(pairKey(userId, otherUserId));
    if (conversation === undefined) return { window: [], older: false, head: 0 };
    return { window: conversation.window, older: conversation.older, head: conversation.head ?? conversation.window.at(-1)?.position ?? 0 };
  }

  /** A private message of a window, as it now is (undefined: outside every window). */
  privateMessage(id: string): PrivateMessageView | undefined {
    return this.privateById.get(id)?.view;
  }

  /** The messages of a conversation's window, oldest first. */
  conversation(userId: string, otherUserId: string): PrivateMessageView[] {
    return this.conversationWindow(userId, otherUserId).window.map((entry) => entry.view);
  }

  /** The maps saved in a snapshot; the others are indexes over them, rebuilt on import. */
  private saved() {
    return {
      online: this.online,
      legacy: this.legacy,
      registered: this.registered,
      conversations: this.conversations,
    };
  }

  reset(): void {
    for (const map of Object.values(this.saved())) map.clear();
    this.onlineByName.clear();
    this.conversationsByUser.clear();
    this.privateById.clear();
    this.privateByClientKey.clear();
    this.activeUsersCache = undefined;
    this.lastWentOffline = undefined;
  }

  exportState(): unknown {
    return this.saved();
  }

  importState(state: unknown): void {
    const saved = state as Record<string, unknown>;
    const fields = this.saved() as Record<string, Map<unknown, unknown>>;
    for (const name of Object.keys(fields)) if (!(saved?.[name] instanceof Map)) throw new Error(`not a users read model: ${name}`);
    this.reset();
    for (const [name, map] of Object.entries(fields)) refill(map, saved[name] as Map<unknown, unknown>);
    for (const [userId, user] of this.online) this.onlineByName.set(user.username, userId);
    for (const [key, conversation] of this.conversations) {
      const first = conversation.window[0]?.view;
      if (first !== undefined) this.indexConversation(key, first.fromUserId, first.toUserId);
      for (let index = 0; index < conversation.window.length; index++) {
        let entry = conversation.window[index]!;
        // Snapshots from before private messages carried their position as `seq`.
        if (typeof entry.view.seq !== 'number')
          conversation.window[index] = entry = { ...entry, view: { ...entry.view, seq: entry.position } };
        this.privateById.set(entry.view.id, entry);
        if (entry.view.clientId !== undefined) this.privateByClientKey.set(clientKey(entry.view.fromUserId, entry.view.clientId), entry);
      }
    }
  }

  snapshot(): unknown {
    return {
      online: [...this.online.values()],
      legacy: [...this.legacy].sort(),
      conversations: [...this.conversations]
        .map(([key, { window, older }]) => [key, { messages: window.map((entry) => entry.view), older }] as const)
        .sort(),
    };
  }
}
