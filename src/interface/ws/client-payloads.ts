import { createHash } from 'node:crypto';
import { LruCache } from '../../application/lru-cache';
import type { RecordedEvent } from '../../application/ports/event-store.port';
import type { ModerationEvent } from '../../domain/room/room.events';
import type { MessageView } from '../../application/read-models/rooms.read-model';
import type { RoomChange } from '../../application/room-history';
import type { PrivateMessageView } from '../../application/read-models/users.read-model';
import type { PrivateChange } from '../../application/private-history';

/**
 * A user's public id: the same for every message they wrote, under any name (a guest who registers
 * keeps it), on every node. A hash of the user id, which is part of what a session token signs and
 * so is never sent; a random id's hash tells nothing of it.
 */
export const authorIdOf = (userId: string): string => {
  let id = authorIds.get(userId);
  if (id === undefined) authorIds.set(userId, (id = createHash('sha256').update(`author:${userId}`).digest('base64url').slice(0, 22)));
  return id;
};

/** The ids of the authors seen last: a hash per message payload cost 2 % of the server's time at load. */
const authorIds = new LruCache<string, string>(10_000);

/** The wire shapes. The seed's fields (msg, username, room, from, to, timestamp) are a contract. */
export const messagePayload = (m: MessageView) => ({
  msg: m.msg,
  username: m.username,
  room: m.room,
  timestamp: m.timestamp,
  id: m.id,
  seq: m.seq,
  authorId: authorIdOf(m.userId),
  ...(m.clientId !== undefined ? { clientId: m.clientId } : {}),
  ...(m.attachment !== undefined ? { attachment: m.attachment } : {}),
  ...(m.editedAt !== undefined ? { editedAt: m.editedAt } : {}),
  ...(m.deleted ? { deleted: true } : {}),
  ...(m.reactions !== undefined ? { reactions: m.reactions } : {}),
  ...(m.removed !== undefined ? { removed: m.removed } : {}),
  ...(m.replyTo !== undefined ? { replyTo: m.replyTo } : {}),
});

/** What changed on a message after it was sent: the new text, the tombstone or the reactions. */
export const messageChangePayload = (m: MessageView) => ({
  room: m.room,
  id: m.id,
  seq: m.seq,
  ...(m.deleted ? { deleted: true } : { msg: m.msg }),
  ...(m.removed !== undefined ? { removed: m.removed } : {}),
  ...(m.editedAt !== undefined ? { editedAt: m.editedAt } : {}),
  reactions: m.reactions ?? {},
});

/** The push each message event makes: its name, and the payload with the room's cursor at that event. */
export const roomPush = (event: RecordedEvent, view: MessageView): { event: string; data: Record<string, unknown> } => {
  switch (event.type) {
    case 'MessageSent':
      return { event: 'message', data: { ...messagePayload(view), cursor: event.version } };
    case 'MessageEdited':
      return { event: 'message_edited', data: { ...messageChangePayload(view), cursor: event.version } };
    case 'MessageDeleted':
    case 'MessageRemoved':
      return { event: 'message_deleted', data: { ...messageChangePayload(view), cursor: event.version } };
    default:
      return { event: 'reaction', data: { ...messageChangePayload(view), cursor: event.version } };
  }
};

/** A change in a resume's `changes`: the push it would have been. */
export const changePayload = ({ event, view }: RoomChange) => roomPush(event, view);

/** Who reacted with what, by name: `{ "👍": ["Ada", "Linus"] }`. */
const privateReactions = (m: PrivateMessageView): Record<string, string[]> =>
  Object.fromEntries(Object.entries(m.reactions ?? {}).map(([emoji, users]) => [emoji, Object.values(users)]));

/** A private message; `seq` is its place in the log, and the conversation's cursor where it was sent. */
export const privateMessagePayload = (m: PrivateMessageView) => ({
  msg: m.msg,
  from: m.from,
  to: m.to,
  timestamp: m.timestamp,
  id: m.id,
  seq: m.seq,
  cursor: m.seq,
  authorId: authorIdOf(m.fromUserId),
  ...(m.clientId !== undefined ? { clientId: m.clientId } : {}),
  ...(m.attachment !== undefined ? { attachment: m.attachment } : {}),
  ...(m.editedAt !== undefined ? { editedAt: m.editedAt } : {}),
  ...(m.deleted === true ? { deleted: true } : {}),
  ...(m.reactions !== undefined ? { reactions: privateReactions(m) } : {}),
});

/** What changed on a private message after it was sent, as a room change is, with the two sides instead of the room. */
export const privateChangePayload = (m: PrivateMessageView, cursor: number) => ({
  from: m.from,
  to: m.to,
  id: m.id,
  seq: m.seq,
  ...(m.deleted === true ? { deleted: true } : { msg: m.msg }),
  ...(m.editedAt !== undefined ? { editedAt: m.editedAt } : {}),
  reactions: privateReactions(m),
  cursor,
});

/** The push each private event makes: its name, and the payload with the conversation's cursor at that event. */
export const privatePush = ({ event, view }: PrivateChange): { event: string; data: Record<string, unknown> } => {
  switch (event.type) {
    case 'PrivateMessageSent':
      return { event: 'private_message', data: privateMessagePayload(view) };
    case 'PrivateMessageEdited':
      return { event: 'message_edited', data: privateChangePayload(view, event.position) };
    case 'PrivateMessageDeleted':
      return { event: 'message_deleted', data: privateChangePayload(view, event.position) };
    default:
      return { event: 'reaction', data: privateChangePayload(view, event.position) };
  }
};

const STATUS_LINES = {
  join: 'has joined the room.',
  leave: 'has left the room.',
  kick: 'was removed from the room',
  ban: 'was banned from the room',
} as const;

/** A notice in a room, as the seed's join notices: `{msg, type}` and more. A kick or ban names the moderator, and why if given. */
export const statusPayload = (
  username: string,
  type: keyof typeof STATUS_LINES,
  room: string,
  timestamp: string,
  moderation?: { by: string; reason?: string; until?: string },
) => ({
  msg:
    moderation === undefined
      ? `${username} ${STATUS_LINES[type]}`
      : `${username} ${STATUS_LINES[type]} by ${moderation.by}${moderation.until !== undefined ? ` until ${moderation.until}` : ''}${moderation.reason !== undefined ? `: ${moderation.reason}` : '.'}`,
  type,
  timestamp,
  room,
  username,
  ...(moderation !== undefined ? { by: moderation.by } : {}),
  ...(moderation?.reason !== undefined ? { reason: moderation.reason } : {}),
  ...(moderation?.until !== undefined ? { until: moderation.until } : {}),
});

/** Names a gathered line spells out; the rest are counted. */
const NAMED_IN_GATHERED_LINE = 3;
const GATHERED_LINES = { join: 'have joined the room.', leave: 'have left the room.' } as const;

/**
 * Several members' joins or leaves in a large room as one notice: "Ann, Bob, Cy and 40 others have
 * joined the room.", with `users` (the names spelled out) and `count` (all of them).
 */
export const gatheredStatusPayload = (usernames: readonly string[], type: 'join' | 'leave', room: string, timestamp: string) => {
  const users = usernames.slice(0, NAMED_IN_GATHERED_LINE);
  const others = usernames.length - users.length;
  const who =
    others > 0
      ? `${users.join(', ')} and ${others} other${others === 1 ? '' : 's'}`
      : `${users.slice(0, -1).join(', ')} and ${users[users.length - 1]}`;
  return { msg: `${who} ${GATHERED_LINES[type]}`, type, timestamp, room, users, count: usernames.length };
};

/** `moderation`: what an owner, moderator or admin did in a room (the audit's entries as they happen). */
export const moderationPayload = ({ type, data, metadata, version }: RecordedEvent<ModerationEvent>) => {
  const fields = data as Partial<{
    username: string;
    reason: string;
    until: number;
    role: string;
    seconds: number;
    topic: string;
    messageId: string;
    seq: number;
  }>;
  return {
    room: data.room,
    action: MODERATION_ACTIONS[type],
    by: data.byUsername,
    ...(fields.username !== undefined ? { user: fields.username } : {}),
    ...(fields.messageId !== undefined ? { messageId: fields.messageId } : {}),
    ...(fields.seq !== undefined ? { seq: fields.seq } : {}),
    ...(fields.reason !== undefined ? { reason: fields.reason } : {}),
    ...(fields.until !== undefined ? { until: new Date(fields.until).toISOString() } : {}),
    ...(fields.role !== undefined ? { role: fields.role } : {}),
    ...(fields.seconds !== undefined ? { seconds: fields.seconds } : {}),
    ...(fields.topic !== undefined ? { topic: fields.topic } : {}),
    timestamp: metadata.occurredAt,
    cursor: version,
  };
};

/** The name of each moderation event on the wire. */
export const MODERATION_ACTIONS: Record<ModerationEvent['type'], string> = {
  RoleSet: 'set_role',
  MemberKicked: 'kick',
  MemberBanned: 'ban',
  MemberUnbanned: 'unban',
  MemberMuted: 'mute',
  MemberUnmuted: 'unmute',
  MessageRemoved: 'remove_message',
  SlowModeSet: 'slow_mode',
  TopicSet: 'set_topic',
  RoomArchived: 'archive_room',
};

export const socketRoom = (room: string): string => `room:${room}`;
export const userRoom = (userId: string): string => `user:${userId}`;

/** Sockets that get the whole list of online users (`active_users`), as the seed protocol does. */
export const PRESENCE_LIST_ROOM = 'presence:list';
/** Sockets that connected with `auth: { presence: 'diff' }`: `presence_state` once, then `presence_diff`. */
export const PRESENCE_DIFF_ROOM = 'presence:diff';

/** Diffs only for exactly `auth.presence === 'diff'`; anything else (absent, not a string, unknown) is the seed behaviour. */
export const wantsPresenceDiffs = (auth: unknown): boolean =>
  typeof auth === 'object' && auth !== null && (auth as { presence?: unknown }).presence === 'diff';
