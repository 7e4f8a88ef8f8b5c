import { specFor } from './decider-spec';
import type { Acting, RoomCommand, Target } from '../../src/domain/room/room.commands';
import { roomDecider } from '../../src/domain/room/room.decider';
import type { MemberJoined, MessageSent, RoomCreated, RoomEvent } from '../../src/domain/room/room.events';
import type { MessageFacts } from '../../src/domain/room/room.state';

/** People, a room with an owner and a moderator, and the commands and events the room's decider specs speak in. */
export const decider = roomDecider({ rooms: new Set(['General']), maxMessageLength: 100 });
export const given = specFor(decider);

export const person = (name: string, extra: Partial<Acting> = {}): Acting => ({
  userId: `u-${name}`,
  username: name,
  account: true,
  admin: false,
  ...extra,
});
export const owner = person('olga');
export const mod = person('mo');
export const member = person('max');
export const other = person('ola');
export const admin = person('ada', { admin: true });
export const guest = person('Guest1234', { account: false });
export const target = ({ userId, username, admin: isAdmin }: Acting): Target => ({ userId, username, admin: isAdmin });
export const NOW = 1_000_000;

export const created = (visibility: 'public' | 'private' = 'public', room = 'Book club'): RoomCreated => ({
  type: 'RoomCreated',
  data: { room, visibility, topic: '', userId: owner.userId, username: owner.username },
});
export const joined = (who: Acting, invite?: string): MemberJoined => ({
  type: 'MemberJoined',
  data: { room: 'Book club', userId: who.userId, username: who.username, ...(invite !== undefined ? { invite } : {}) },
});
export const sent = (who: Acting, seq: number): MessageSent => ({
  type: 'MessageSent',
  data: { room: 'Book club', messageId: `m-${seq}`, seq, userId: who.userId, username: who.username, text: 'hi' },
});
export const by = (who: Acting): { byUserId: string; byUsername: string } => ({ byUserId: who.userId, byUsername: who.username });
export const moderated: RoomEvent[] = [
  created(),
  { type: 'RoleSet', data: { room: 'Book club', userId: mod.userId, username: mod.username, role: 'moderator', ...by(owner) } },
  joined(owner),
  joined(mod),
  joined(member),
  joined(other),
];
export const join = (who: Acting, extra: { invite?: string; now?: number; room?: string } = {}): RoomCommand => ({
  type: 'JoinRoom',
  data: { room: extra.room ?? 'Book club', userId: who.userId, username: who.username, admin: who.admin, now: extra.now ?? NOW, ...extra },
});
export const send = (who: Acting, now = NOW, replyTo?: { messageId: string; message: MessageFacts | undefined }): RoomCommand => ({
  type: 'SendMessage',
  data: {
    room: 'Book club',
    userId: who.userId,
    username: who.username,
    messageId: 'm-new',
    text: 'hello',
    now,
    admin: who.admin,
    ...(replyTo ? { replyTo } : {}),
  },
});
export const facts = (author: Acting, deleted = false, seq = 1): MessageFacts => ({
  userId: author.userId,
  username: author.username,
  seq,
  deleted,
  reactions: new Map(),
});
