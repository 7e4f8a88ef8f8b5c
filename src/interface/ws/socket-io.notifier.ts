import { Injectable, Logger } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { FindMentionedMembersQuery } from '../../application/queries/mentions.query';
import { GetUsernameQuery } from '../../application/queries/users.queries';
import type { Server } from 'socket.io';
import type { RecordedEvent } from '../../application/ports/event-store.port';
import { Notifier } from '../../application/ports/notifier.port';
import { RoomsReadModel, toMessageView } from '../../application/read-models/rooms.read-model';
import { toPrivateMessageView, UsersReadModel, type PrivateMessageView } from '../../application/read-models/users.read-model';
import { PrivateHistory } from '../../application/private-history';
import type { PrivateMessageChanged } from '../../domain/session/session.events';
import type { ModerationEvent } from '../../domain/room/room.events';
import { UnreadCounts } from '../../application/unread-counts';
import { Metrics } from '../metrics';
import { TypingTracker } from './typing';
import { RoomNotices } from './room-notices';
import { PushWindow } from './push-window';
import { TurnWrites } from './turn-writes';
import {
  messageChangePayload,
  messagePayload,
  moderationPayload,
  PRESENCE_DIFF_ROOM,
  PRESENCE_LIST_ROOM,
  privateChangePayload,
  privateMessagePayload,
  socketRoom,
  statusPayload,
  userRoom,
} from './client-payloads';

/** Turns events into Socket.IO emits. Room membership follows the user onto every tab. */
@Injectable()
export class SocketIoNotifier extends Notifier {
  private server: Server | undefined;
  /**
   * The users whose presence an event of this node changed in the current window, each with the name
   * it was online under when the window opened (undefined: offline then).
   */
  private readonly presenceBefore = new Map<string, string | undefined>();
  /** Sockets of this node that asked for presence diffs and get `presence_state` when the window ends. */
  private readonly diffNewcomers = new Set<string>();

  constructor(
    private readonly users: UsersReadModel,
    private readonly rooms: RoomsReadModel,
    private readonly metrics: Metrics,
    private readonly typing: TypingTracker,
    private readonly unread: UnreadCounts,
    private readonly queryBus: QueryBus,
    private readonly privateHistory: PrivateHistory,
    private readonly notices: RoomNotices,
    private readonly window: PushWindow,
    /** A batch's messages to a room, and a window's pushes, leave as one write per socket. */
    private readonly writes: TurnWrites,
  ) {
    super();
  }

  /** Every tab of each member the message mentions gets `mention`. Only messages with an `@` get here. */
  private async announceMentions(
    server: Server,
    message: Record<string, unknown> & { room: string; msg: string },
    senderId: string,
  ): Promise<void> {
    try {
      const userIds = await this.queryBus.execute(new FindMentionedMembersQuery(message.room, message.msg, senderId));
      if (userIds.length > 0) server.to(userIds.map(userRoom)).emit('mention', { room: message.room, message });
    } catch (error) {
      // A name's stream could not be read: the unread counts still count the mention.
      this.logger.warn({ err: error, room: message.room }, 'mention not pushed');
    }
  }

  private readonly logger = new Logger(SocketIoNotifier.name);

  /** Every tab of the user, on any node, gets the room's count from the new marker. */
  private async announceUnread(server: Server, userId: string, room: string, readSeq: number): Promise<void> {
    try {
      server.to(userRoom(userId)).emit('unread', await this.unread.of(userId, this.users.onlineUsername(userId), room, readSeq));
    } catch (error) {
      // The count needs the store for a marker far back; the next marker or GET /api/unread tells it.
      this.logger.warn({ err: error, room }, 'unread count not pushed');
    }
  }

  /** Both sides' every tab get the change to a private message, with the message as it now is. */
  private pushPrivateChange(server: Server, event: RecordedEvent<PrivateMessageChanged>, view: PrivateMessageView): void {
    const to = server.to([userRoom(event.data.fromUserId), userRoom(event.data.toUserId)]);
    const change = privateChangePayload(view, event.position);
    if (event.type === 'PrivateMessageEdited') to.emit('message_edited', change);
    else if (event.type === 'PrivateMessageDeleted') to.emit('message_deleted', change);
    else to.emit('reaction', change);
  }

  /** A change to a message older than the window: the message is folded from the store first. */
  private async pushOlderPrivateChange(server: Server, event: RecordedEvent<PrivateMessageChanged>): Promise<void> {
    try {
      const view = await this.privateHistory.message(event.data.fromUserId, event.data.toUserId, event.data.messageId);
      if (view !== undefined) this.pushPrivateChange(server, event, view);
    } catch (error) {
      // The store could not be read: a catch-up (`private_sync`) brings the change.
      this.logger.warn({ err: error }, 'private message change not pushed');
    }
  }

  /** Every tab of the user gets the private conversation's count from the new marker, named by the other's current name. */
  private async announcePrivateUnread(server: Server, userId: string, withUserId: string, readSeq: number): Promise<void> {
    try {
      const [name, { count }] = await Promise.all([
        this.queryBus.execute(new GetUsernameQuery(withUserId)),
        this.unread.ofConversation(userId, withUserId, readSeq),
      ]);
      if (name !== undefined) server.to(userRoom(userId)).emit('unread', { with: name, count, mentions: 0, readSeq });
    } catch (error) {
      this.logger.warn({ err: error }, 'unread count not pushed');
    }
  }

  /** The room's members and the member it is about (on every tab) get `moderation`: who did what to whom, and why. */
  private announceModeration(server: Server, event: RecordedEvent<ModerationEvent>): void {
    const about = 'userId' in event.data && event.type !== 'MessageRemoved' ? [userRoom(event.data.userId)] : [];
    server.to([socketRoom(event.data.room), ...about]).emit('moderation', moderationPayload(event));
  }

  /** What the room list shows of a room, to everyone for a public room, to its members (and its creator) for a private one. */
  private announceRoom(server: Server, name: string, creatorId: string | undefined): void {
    const info = this.rooms.info(name);
    if (info === undefined) return;
    const room = { name, members: this.rooms.memberCount(name), ...info };
    if (info.visibility === 'public') server.emit('room_updated', room);
    else server.to([socketRoom(name), ...(creatorId !== undefined ? [userRoom(creatorId)] : [])]).emit('room_updated', room);
  }

  /** The Socket.IO server, once the gateway is up. */
  get io(): Server | undefined {
    return this.server;
  }

  attach(server: Server): void {
    this.server = server;
    this.typing.attach(server);
    this.notices.attach(server);
  }

  /**
   * The online set changed (`before`: the user's online name just before this event). Changes within
   * a short window go out together, each as one emit to a room, serialised once whatever the number of
   * recipients: the whole current list to `presence:list` (the seed's `active_users`, arrivals × users
   * × list length in a burst, hence the window), and to `presence:diff` only the difference between the
   * window's start and end. A user who left and came back within the window nets out.
   */
  private presenceChanged(userId: string, before: string | undefined): void {
    if (!this.presenceBefore.has(userId)) this.presenceBefore.set(userId, before);
    this.window.schedule(this.announcePresence, this.presenceListeners());
  }

  /**
   * A socket that asked for presence diffs gets `presence_state` when the current window ends (one
   * opens if none is), together with the sockets that came in the same window: the list is encoded
   * once for all of them, not once per socket. They join `presence:diff` right after the window's
   * diff went out, so they miss no change and get none twice.
   */
  welcomePresenceDiffs(socketId: string): void {
    this.diffNewcomers.add(socketId);
    this.window.schedule(this.announcePresence, this.presenceListeners());
  }

  /** The sockets of this node listening to who is online: they set how long a window gathers changes. */
  private presenceListeners(): number {
    const rooms = (this.server?.sockets as Partial<Server['sockets']> | undefined)?.adapter?.rooms;
    return (rooms?.get(PRESENCE_LIST_ROOM)?.size ?? 0) + (rooms?.get(PRESENCE_DIFF_ROOM)?.size ?? 0);
  }

  private readonly announcePresence = (): void => {
    const changed = this.presenceBefore.size > 0;
    const was = new Set<string>();
    const is = new Set<string>();
    for (const [userId, before] of this.presenceBefore) {
      if (before !== undefined) was.add(before);
      const now = this.users.onlineUsername(userId);
      if (now !== undefined) is.add(now);
    }
    this.presenceBefore.clear();
    const server = this.server;
    if (server === undefined) return;
    if (changed) {
      this.writes.hold(server, PRESENCE_LIST_ROOM);
      server.to(PRESENCE_LIST_ROOM).emit('active_users', { users: this.users.activeUsers() });
    }
    const joined = [...is].filter((name) => !was.has(name));
    const left = [...was].filter((name) => !is.has(name));
    if (joined.length > 0 || left.length > 0) {
      this.writes.hold(server, PRESENCE_DIFF_ROOM);
      server.to(PRESENCE_DIFF_ROOM).emit('presence_diff', { joined, left });
    }
    if (this.diffNewcomers.size === 0) return;
    const newcomers = [...this.diffNewcomers];
    this.diffNewcomers.clear();
    this.writes.holdSockets(server, newcomers);
    server.local.to(newcomers).emit('presence_state', { users: this.users.activeUsers() });
    for (const id of newcomers) void server.sockets.sockets.get(id)?.join(PRESENCE_DIFF_ROOM);
  };

  /** Sockets that used a signed-out token, on any node, are told and disconnected. */
  private async endSignedOutSockets(server: Server, sessionId: string, tokenId: string): Promise<void> {
    for (const socket of await server.in(userRoom(sessionId)).fetchSockets()) {
      if ((socket.data as { identity?: { tokenId?: string } }).identity?.tokenId !== tokenId) continue;
      socket.emit('session_ended', { reason: 'signed_out' });
      socket.disconnect(true);
    }
  }

  publish(event: RecordedEvent): void {
    this.metrics.eventsAppended.inc({ type: event.type });
    const server = this.server;
    if (server === undefined) return;
    switch (event.type) {
      case 'MemberJoined':
        // The joiner's membership, join line and answer leave together.
        this.writes.hold(server, userRoom(event.data.userId));
        server.in(userRoom(event.data.userId)).socketsJoin(socketRoom(event.data.room));
        server.to(userRoom(event.data.userId)).emit('membership', { room: event.data.room, joined: true });
        this.notices.moved(event.data.room, event.data.userId, event.data.username, 'join', event.metadata.occurredAt);
        return;
      case 'MemberLeft':
        this.typing.stop(event.data.room, event.data.userId);
        this.writes.hold(server, userRoom(event.data.userId));
        server.in(userRoom(event.data.userId)).socketsLeave(socketRoom(event.data.room));
        server.to(userRoom(event.data.userId)).emit('membership', { room: event.data.room, joined: false, reason: event.data.reason });
        this.notices.moved(event.data.room, event.data.userId, event.data.username, 'leave', event.metadata.occurredAt);
        return;
      case 'MessageSent': {
        this.typing.stop(event.data.room, event.data.userId);
        // A reply's quote is resolved in the read model; other messages need no lookup.
        const view = event.data.replyTo === undefined ? undefined : this.rooms.message(event.data.room, event.data.messageId);
        const message = { ...messagePayload(view ?? toMessageView(event)), cursor: event.version };
        this.writes.hold(server, socketRoom(event.data.room));
        server.to(socketRoom(event.data.room)).emit('message', message);
        if (event.data.text.includes('@')) void this.announceMentions(server, message, event.data.userId);
        return;
      }
      case 'MessageEdited':
      case 'MessageDeleted':
      case 'MessageRemoved':
      case 'ReactionAdded':
      case 'ReactionRemoved': {
        const view = this.rooms.message(event.data.room, event.data.messageId);
        if (view === undefined) return;
        this.writes.hold(server, socketRoom(event.data.room));
        const to = server.to(socketRoom(event.data.room));
        const change = { ...messageChangePayload(view), cursor: event.version };
        if (event.type === 'MessageEdited') to.emit('message_edited', change);
        else if (event.type === 'MessageDeleted' || event.type === 'MessageRemoved') to.emit('message_deleted', change);
        else to.emit('reaction', change);
        return;
      }
      case 'MemberKicked':
      case 'MemberBanned': {
        const { room, userId, username, byUsername, reason } = event.data;
        const until =
          event.type === 'MemberBanned' && event.data.until !== undefined ? new Date(event.data.until).toISOString() : undefined;
        const moderation = { by: byUsername, ...(reason !== undefined ? { reason } : {}), ...(until !== undefined ? { until } : {}) };
        const type = event.type === 'MemberKicked' ? 'kick' : 'ban';
        this.typing.stop(room, userId);
        server.to(socketRoom(room)).emit('status', statusPayload(username, type, room, event.metadata.occurredAt, moderation));
        server
          .to(userRoom(userId))
          .emit('membership', { room, joined: false, reason: event.type === 'MemberKicked' ? 'kicked' : 'banned', moderation });
        server.in(userRoom(userId)).socketsLeave(socketRoom(room));
        this.announceModeration(server, event);
        return;
      }
      case 'MemberUnbanned':
      case 'MemberMuted':
      case 'MemberUnmuted':
      case 'RoleSet':
      case 'SlowModeSet':
        this.announceModeration(server, event);
        return;
      case 'RoomCreated':
      case 'TopicSet':
      case 'RoomArchived':
        this.announceRoom(server, event.data.room, event.type === 'RoomCreated' ? event.data.userId : undefined);
        if (event.type !== 'RoomCreated') this.announceModeration(server, event);
        return;
      case 'PrivateMessageSent':
        this.typing.setPrivate(event.data.toUserId, event.data.fromUserId, event.data.from, false);
        this.writes.hold(server, userRoom(event.data.toUserId));
        this.writes.hold(server, userRoom(event.data.fromUserId));
        server
          .to([userRoom(event.data.toUserId), userRoom(event.data.fromUserId)])
          .emit('private_message', privateMessagePayload(toPrivateMessageView(event)));
        return;
      case 'PrivateMessageEdited':
      case 'PrivateMessageDeleted':
      case 'PrivateReactionAdded':
      case 'PrivateReactionRemoved': {
        const view = this.users.privateMessage(event.data.messageId);
        if (view !== undefined) this.pushPrivateChange(server, event, view);
        else void this.pushOlderPrivateChange(server, event);
        return;
      }
      case 'AccountRegistered':
        server.to(userRoom(event.data.sessionId)).emit('identity', { username: event.data.username, account: true });
        if (this.users.isOnline(event.data.sessionId)) this.presenceChanged(event.data.sessionId, event.data.previousUsername);
        return;
      case 'SignedOut':
        void this.endSignedOutSockets(server, event.data.sessionId, event.data.tokenId);
        return;
      case 'ReadMarkerMoved':
        void this.announceUnread(server, event.data.sessionId, event.data.room, event.data.seq);
        return;
      case 'PrivateReadMarkerMoved':
        void this.announcePrivateUnread(server, event.data.sessionId, event.data.withUserId, event.data.seq);
        return;
      case 'UserWentOnline':
        this.presenceChanged(event.data.userId, undefined);
        return;
      case 'UserWentOffline':
        // Online under the session's name, which a registration may have changed since the user came online.
        this.presenceChanged(event.data.userId, this.users.wentOfflineAs(event.data.userId) ?? event.data.username);
        return;
      default:
        return;
    }
  }
}
