import { Injectable } from '@nestjs/common';
import { normaliseUsername } from '../../domain/username/username.decider';
import type { Attachment } from '../../domain/room/room.events';
import type { PrivateMessageSent } from '../../domain/session/session.events';
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
  readonly clientId?: string;
  readonly attachment?: Attachment;
}

export interface OnlineUser {
  readonly userId: string;
  readonly username: string;
}

export const toPrivateMessageView = ({ data, metadata }: RecordedEvent<PrivateMessageSent>): PrivateMessageView => ({
  id: data.messageId,
  msg: data.text,
  from: data.from,
  to: data.to,
  fromUserId: data.fromUserId,
  toUserId: data.toUserId,
  timestamp: metadata.occurredAt,
  ...(data.clientId !== undefined ? { clientId: data.clientId } : {}),
  ...(data.attachment !== undefined ? { attachment: data.attachment } : {}),
});

const pairKey = (a: string, b: string): string => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

const clientKey = (fromUserId: string, clientId: string): string => `${fromUserId}\u0000${clientId}`;

/** A private message in a conversation's window, with where it sits in the log (pages are cut by position). */
export interface PrivateEntry {
  readonly view: PrivateMessageView;
  readonly position: number;
}

interface Conversation {
  /** The newest HISTORY_WINDOW messages between the two users, oldest first. */
  readonly window: PrivateEntry[];
  /** Older messages left the window: they are in the store only. */
  older: boolean;
}

/**
 * Sessions, claimed names, who is online, and the newest `HISTORY_WINDOW` messages of each private
 * conversation (pair of users), with their indexes by id and by (sender, client id). Older private
 * messages are read from the store (`PrivateHistory`).
 */
@Injectable()
export class UsersReadModel implements Projection {
  private readonly sessions = new Map<string, string>();
  private readonly byName = new Map<string, string>();
  /** Name key (`NameKey`) → the user who claimed it first, over every claim in the log, whatever stream it is on. */
  private readonly claimed = new Map<string, string>();
  private readonly online = new Map<string, OnlineUser>();
  private readonly onlineByName = new Map<string, string>();
  private readonly conversations = new Map<string, Conversation>();
  /** Messages of the windows, by (sender, client id) and by id. */
  private readonly privateByClientKey = new Map<string, PrivateEntry>();
  private readonly privateById = new Map<string, PrivateEntry>();
  private readonly windowSize: number;
  private readonly accounts = new Map<string, { userId: string; username: string; passwordHash: string }>();
  private readonly signedOut = new Map<string, Set<string>>();
  private activeUsersCache: string[] | undefined;

  constructor(
    private readonly names: NameKey,
    config: AppConfig,
  ) {
    this.windowSize = config.historyWindow;
  }

  apply(event: RecordedEvent): void {
    switch (event.type) {
      case 'SessionStarted':
        this.sessions.set(event.data.sessionId, event.data.username);
        this.byName.set(event.data.username, event.data.sessionId);
        return;
      case 'AccountRegistered': {
        const { sessionId, username, passwordHash } = event.data;
        this.sessions.set(sessionId, username);
        this.byName.set(username, sessionId);
        this.accounts.set(normaliseUsername(username), { userId: sessionId, username, passwordHash });
        const online = this.online.get(sessionId);
        if (online !== undefined) {
          this.online.set(sessionId, { ...online, username });
          if (this.onlineByName.get(online.username) === sessionId) this.onlineByName.delete(online.username);
          this.onlineByName.set(username, sessionId);
          this.activeUsersCache = undefined;
        }
        return;
      }
      case 'SignedOut': {
        let tokens = this.signedOut.get(event.data.sessionId);
        if (tokens === undefined) this.signedOut.set(event.data.sessionId, (tokens = new Set()));
        tokens.add(event.data.tokenId);
        return;
      }
      case 'UsernameClaimed': {
        // Claims older than the skeleton key may share a key; the first one keeps it.
        const key = this.names.key(event.data.username);
        if (!this.claimed.has(key)) this.claimed.set(key, event.data.userId);
        return;
      }
      // Connections are not history (the ConnectionRegistry holds them); old logs still carry
      // ConnectionOpened and ConnectionClosed, which change nothing here.
      case 'UserWentOnline': {
        // The session's name now: a connection identified just before a registration comes online under
        // the new name, so an online user's name is always the session's (and goes offline under it).
        const username = this.sessions.get(event.data.userId) ?? event.data.username;
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
        this.activeUsersCache = undefined;
        return;
      }
      case 'PrivateMessageSent':
        this.pushPrivate({ view: toPrivateMessageView(event), position: event.position });
        return;
      default:
        return;
    }
  }

  usernameOf(sessionId: string): string | undefined {
    return this.sessions.get(sessionId);
  }

  /** The user who has (or last had) this exact name. */
  userIdNamed(username: string): string | undefined {
    return this.byName.get(username);
  }

  account(username: string): { userId: string; username: string; passwordHash: string } | undefined {
    return this.accounts.get(normaliseUsername(username));
  }

  isAccount(sessionId: string): boolean {
    const username = this.sessions.get(sessionId);
    return username !== undefined && this.accounts.get(normaliseUsername(username))?.userId === sessionId;
  }

  isSignedOut(sessionId: string, tokenId: string): boolean {
    return this.signedOut.get(sessionId)?.has(tokenId) ?? false;
  }

  /** The user who claimed this name or a look-alike of it (the same `NameKey`), if anyone did. */
  nameClaimedBy(username: string): string | undefined {
    return this.claimed.get(this.names.key(username));
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

  /** A new message enters its conversation's window; the oldest one leaves it once the window is full. */
  private pushPrivate(entry: PrivateEntry): void {
    const { view } = entry;
    const key = pairKey(view.fromUserId, view.toUserId);
    let conversation = this.conversations.get(key);
    if (conversation === undefined) this.conversations.set(key, (conversation = { window: [], older: false }));
    conversation.window.push(entry);
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

  /** The window of a conversation (oldest first), and whether older messages left it for the store. */
  conversationWindow(userId: string, otherUserId: string): { readonly window: readonly PrivateEntry[]; readonly older: boolean } {
    return this.conversations.get(pairKey(userId, otherUserId)) ?? { window: [], older: false };
  }

  /** The messages of a conversation's window, oldest first. */
  conversation(userId: string, otherUserId: string): PrivateMessageView[] {
    return this.conversationWindow(userId, otherUserId).window.map((entry) => entry.view);
  }

  /** The maps saved in a snapshot; the others are indexes over them, rebuilt on import. */
  private saved() {
    return {
      sessions: this.sessions,
      byName: this.byName,
      claimed: this.claimed,
      online: this.online,
      conversations: this.conversations,
      accounts: this.accounts,
      signedOut: this.signedOut,
    };
  }

  reset(): void {
    for (const map of Object.values(this.saved())) map.clear();
    this.onlineByName.clear();
    this.privateById.clear();
    this.privateByClientKey.clear();
    this.activeUsersCache = undefined;
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
    for (const conversation of this.conversations.values()) {
      for (const entry of conversation.window) {
        this.privateById.set(entry.view.id, entry);
        if (entry.view.clientId !== undefined) this.privateByClientKey.set(clientKey(entry.view.fromUserId, entry.view.clientId), entry);
      }
    }
  }

  snapshot(): unknown {
    return {
      sessions: [...this.sessions].sort(),
      claimed: [...this.claimed].sort(),
      online: [...this.online.values()],
      conversations: [...this.conversations]
        .map(([key, { window, older }]) => [key, { messages: window.map((entry) => entry.view), older }] as const)
        .sort(),
      accounts: [...this.accounts].sort(),
      signedOut: [...this.signedOut].map(([id, tokens]) => [id, [...tokens].sort()]).sort(),
    };
  }
}
