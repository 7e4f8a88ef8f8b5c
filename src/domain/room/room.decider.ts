import { assertNever, type Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import { parseMessageText } from '../shared/message-text';
import { parseEmoji } from '../shared/emoji';
import type { DeleteMessage, EditMessage, JoinRoom, LeaveRoom, RoomCommand, SendMessage, ToggleReaction } from './room.commands';
import type { RoomEvent } from './room.events';
import { decideCommunity, decideModeration } from './room.moderation';
import { liveMessage, requireKnownRoom, requireOpenRoom, untilDetails, type RoomRules } from './room.rules';
import { evolve, initialState, MODERATOR, rankOf, restricts, type MessageFacts, type Room } from './room.state';

export { evolve, initialState, messageFacts, type MessageFacts, type Room } from './room.state';
export type { RoomRules } from './room.rules';

/** A muted member may not send, edit or react (deleting their own messages stays theirs). */
const requireUnmuted = (room: Room, name: string, userId: string, now = 0): void => {
  const mute = room.mutes.get(userId);
  if (restricts(mute, now)) throw new DomainError('muted', `You are muted in ${name}`, untilDetails(mute.until));
};

const joinRoom = (command: JoinRoom, room: Room, rules: RoomRules): RoomEvent[] => {
  const { room: name, userId, username, invite, admin = false, now = 0 } = command.data;
  requireOpenRoom(rules, name, room);
  const ban = room.bans.get(userId);
  if (restricts(ban, now) && !admin) throw new DomainError('banned', `You are banned from ${name}`, untilDetails(ban.until));
  if (room.members.has(userId)) return [];
  const joined = { room: name, userId, username };
  if (room.created?.visibility !== 'private' || room.allowed.has(userId) || admin) return [{ type: 'MemberJoined', data: joined }];
  if (invite === undefined) throw new DomainError('forbidden', `${name} is private: join it with an invite`);
  const found = room.invites.get(invite);
  if (found === undefined) throw new DomainError('forbidden', `That is not an invite to ${name}`);
  if ((found.expiresAt !== null && found.expiresAt <= now) || (found.maxUses !== null && found.uses >= found.maxUses)) {
    throw new DomainError('invite_expired', `That invite to ${name} has expired or been used up`);
  }
  return [{ type: 'MemberJoined', data: { ...joined, invite } }];
};

const leaveRoom = (command: LeaveRoom, room: Room, rules: RoomRules): RoomEvent[] => {
  requireKnownRoom(rules, command.data.room, room);
  const joinedAs = room.members.get(command.data.userId);
  if (joinedAs === undefined) {
    throw new DomainError('not_a_member', `You are not a member of ${command.data.room}`);
  }
  const username = command.data.username ?? joinedAs;
  return [{ type: 'MemberLeft', data: { room: command.data.room, userId: command.data.userId, username, reason: command.data.reason } }];
};

const sendMessage = (command: SendMessage, room: Room, rules: RoomRules): RoomEvent[] => {
  const { data } = command;
  requireOpenRoom(rules, data.room, room);
  if (!room.members.has(data.userId)) {
    throw new DomainError('not_a_member', `Join ${data.room} before sending to it`);
  }
  const now = data.now ?? 0;
  requireUnmuted(room, data.room, data.userId, now);
  const slow = room.slowModeSeconds > 0 && rankOf(room, { userId: data.userId, admin: data.admin ?? false }) < MODERATOR;
  const last = room.lastSentAt.get(data.userId);
  if (slow && last !== undefined && last + room.slowModeSeconds * 1000 > now) {
    const retryAfterMs = last + room.slowModeSeconds * 1000 - now;
    throw new DomainError('slow_mode', `${data.room} is in slow mode: one message every ${room.slowModeSeconds} s`, { retryAfterMs });
  }
  if (data.replyTo !== undefined) liveMessage(data.replyTo.message);
  const text = data.attachment !== undefined && data.text.trim() === '' ? '' : parseMessageText(data.text, rules.maxMessageLength);
  const event: RoomEvent = {
    type: 'MessageSent',
    data: {
      room: data.room,
      messageId: data.messageId,
      seq: room.lastSeq + 1,
      userId: data.userId,
      username: data.username,
      text,
      ...(data.clientId !== undefined ? { clientId: data.clientId } : {}),
      ...(data.attachment !== undefined ? { attachment: data.attachment } : {}),
      ...(data.replyTo !== undefined ? { replyTo: data.replyTo.messageId } : {}),
      ...(room.slowModeSeconds > 0 ? { at: now } : {}),
    },
  };
  return [event];
};

const requireAuthor = (facts: MessageFacts, userId: string, what: string): void => {
  if (facts.userId !== userId) throw new DomainError('forbidden', `Only the author can ${what} a message`);
};

const editMessage = (command: EditMessage, room: Room, rules: RoomRules): RoomEvent[] => {
  const { data } = command;
  requireOpenRoom(rules, data.room, room);
  requireAuthor(liveMessage(data.message), data.userId, 'edit');
  requireUnmuted(room, data.room, data.userId, data.now);
  const text = parseMessageText(data.text, rules.maxMessageLength);
  return [{ type: 'MessageEdited', data: { room: data.room, messageId: data.messageId, userId: data.userId, text } }];
};

const deleteMessage = (command: DeleteMessage, room: Room, rules: RoomRules): RoomEvent[] => {
  const { data } = command;
  requireOpenRoom(rules, data.room, room);
  const facts = data.message;
  if (facts === undefined) throw new DomainError('message_not_found', 'No such message');
  requireAuthor(facts, data.userId, 'delete');
  if (facts.deleted) return [];
  return [{ type: 'MessageDeleted', data: { room: data.room, messageId: data.messageId, userId: data.userId } }];
};

const toggleReaction = (command: ToggleReaction, room: Room, rules: RoomRules): RoomEvent[] => {
  const { data } = command;
  requireOpenRoom(rules, data.room, room);
  if (!room.members.has(data.userId)) throw new DomainError('not_a_member', `Join ${data.room} before reacting in it`);
  requireUnmuted(room, data.room, data.userId, data.now);
  const facts = liveMessage(data.message);
  const emoji = parseEmoji(data.emoji);
  const reacted = facts.reactions.get(emoji)?.has(data.userId) ?? false;
  const fact = { room: data.room, messageId: data.messageId, userId: data.userId, username: data.username, emoji };
  return [reacted ? { type: 'ReactionRemoved', data: fact } : { type: 'ReactionAdded', data: fact }];
};

export const roomDecider = (rules: RoomRules): Decider<Room, RoomCommand, RoomEvent> => ({
  initialState,
  evolve,
  snapshotSchema: 'room/3',
  decide: (command, room) => {
    switch (command.type) {
      case 'JoinRoom':
        return joinRoom(command, room, rules);
      case 'LeaveRoom':
        return leaveRoom(command, room, rules);
      case 'SendMessage':
        return sendMessage(command, room, rules);
      case 'EditMessage':
        return editMessage(command, room, rules);
      case 'DeleteMessage':
        return deleteMessage(command, room, rules);
      case 'ToggleReaction':
        return toggleReaction(command, room, rules);
      case 'CreateRoom':
      case 'SetTopic':
      case 'ArchiveRoom':
      case 'CreateInvite':
        return decideCommunity(command, room, rules);
      case 'SetRole':
      case 'Kick':
      case 'Ban':
      case 'Unban':
      case 'Mute':
      case 'Unmute':
      case 'RemoveMessage':
      case 'SetSlowMode':
        return decideModeration(command, room, rules);
      default:
        return assertNever(command);
    }
  },
});

export const roomStream = (room: string): string => `room-${room}`;
