import { assertNever, type Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import { parseMessageText } from '../shared/message-text';
import { parseEmoji } from '../shared/emoji';
import { foldReaction } from '../shared/reactions';
import type { DeleteMessage, EditMessage, JoinRoom, LeaveRoom, RoomCommand, SendMessage, ToggleReaction } from './room.commands';
import type { RoomEvent } from './room.events';

/** What a decision needs to know of a message: its author, whether it is gone, who reacted with what. */
export type MessageFacts = {
  readonly userId: string;
  readonly deleted: boolean;
  /** emoji → the ids of the users who reacted with it */
  readonly reactions: ReadonlyMap<string, ReadonlySet<string>>;
};

/**
 * A room's state: who is in it and the last message number. It does not grow with the messages:
 * a command about one message (edit, delete, reaction) carries that message's facts, folded with
 * `messageFacts` from its events, which the store finds by message id; and a resend of a client id
 * already used is refused by the store's unique index (`DuplicateClientIdError`), however old the
 * first message is.
 */
export type Room = {
  readonly status: 'Open';
  readonly members: ReadonlyMap<string, string>;
  readonly lastSeq: number;
};

export type RoomRules = {
  readonly rooms: ReadonlySet<string>;
  readonly maxMessageLength: number;
};

export const initialState = (): Room => ({ status: 'Open', members: new Map(), lastSeq: 0 });

export const evolve = (room: Room, event: RoomEvent): Room => {
  switch (event.type) {
    case 'MemberJoined': {
      const members = new Map(room.members);
      members.set(event.data.userId, event.data.username);
      return { ...room, members };
    }
    case 'MemberLeft': {
      const members = new Map(room.members);
      members.delete(event.data.userId);
      return { ...room, members };
    }
    case 'MessageSent':
      return { ...room, lastSeq: event.data.seq };
    case 'MessageEdited':
    case 'MessageDeleted':
    case 'ReactionAdded':
    case 'ReactionRemoved':
      return room;
    default:
      return assertNever(event);
  }
};

/** The facts of one message, folded from its events in stream order (undefined: never sent). */
export const messageFacts = (events: readonly RoomEvent[]): MessageFacts | undefined => {
  let facts: { userId: string; deleted: boolean; reactions: Map<string, Set<string>> } | undefined;
  for (const event of events) {
    if (event.type === 'MessageSent') {
      facts = { userId: event.data.userId, deleted: false, reactions: new Map() };
      continue;
    }
    if (facts === undefined) continue;
    if (event.type === 'MessageDeleted') facts.deleted = true;
    if (event.type === 'ReactionAdded' || event.type === 'ReactionRemoved') {
      foldReaction(facts.reactions, event.data.emoji, event.data.userId, event.type === 'ReactionAdded');
    }
  }
  return facts;
};

const requireKnownRoom = (rules: RoomRules, room: string): void => {
  if (!rules.rooms.has(room)) throw new DomainError('unknown_room', `Unknown room: ${room}`);
};

const joinRoom = (command: JoinRoom, room: Room, rules: RoomRules): RoomEvent[] => {
  requireKnownRoom(rules, command.data.room);
  if (room.members.has(command.data.userId)) return [];
  return [{ type: 'MemberJoined', data: { ...command.data } }];
};

const leaveRoom = (command: LeaveRoom, room: Room, rules: RoomRules): RoomEvent[] => {
  requireKnownRoom(rules, command.data.room);
  const joinedAs = room.members.get(command.data.userId);
  if (joinedAs === undefined) {
    throw new DomainError('not_a_member', `You are not a member of ${command.data.room}`);
  }
  const username = command.data.username ?? joinedAs;
  return [{ type: 'MemberLeft', data: { room: command.data.room, userId: command.data.userId, username, reason: command.data.reason } }];
};

const sendMessage = (command: SendMessage, room: Room, rules: RoomRules): RoomEvent[] => {
  const { data } = command;
  requireKnownRoom(rules, data.room);
  if (!room.members.has(data.userId)) {
    throw new DomainError('not_a_member', `Join ${data.room} before sending to it`);
  }
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
    },
  };
  return [event];
};

/** The message, if it exists and is not deleted. */
const liveMessage = (facts: MessageFacts | undefined): MessageFacts => {
  if (facts === undefined || facts.deleted) throw new DomainError('message_not_found', 'No such message');
  return facts;
};

const requireAuthor = (facts: MessageFacts, userId: string, what: string): void => {
  if (facts.userId !== userId) throw new DomainError('forbidden', `Only the author can ${what} a message`);
};

const editMessage = (command: EditMessage, rules: RoomRules): RoomEvent[] => {
  const { data } = command;
  requireKnownRoom(rules, data.room);
  requireAuthor(liveMessage(data.message), data.userId, 'edit');
  const text = parseMessageText(data.text, rules.maxMessageLength);
  return [{ type: 'MessageEdited', data: { room: data.room, messageId: data.messageId, userId: data.userId, text } }];
};

const deleteMessage = (command: DeleteMessage, rules: RoomRules): RoomEvent[] => {
  const { data } = command;
  requireKnownRoom(rules, data.room);
  const facts = data.message;
  if (facts === undefined) throw new DomainError('message_not_found', 'No such message');
  requireAuthor(facts, data.userId, 'delete');
  if (facts.deleted) return [];
  return [{ type: 'MessageDeleted', data: { room: data.room, messageId: data.messageId, userId: data.userId } }];
};

const toggleReaction = (command: ToggleReaction, room: Room, rules: RoomRules): RoomEvent[] => {
  const { data } = command;
  requireKnownRoom(rules, data.room);
  if (!room.members.has(data.userId)) throw new DomainError('not_a_member', `Join ${data.room} before reacting in it`);
  const facts = liveMessage(data.message);
  const emoji = parseEmoji(data.emoji);
  const reacted = facts.reactions.get(emoji)?.has(data.userId) ?? false;
  const fact = { room: data.room, messageId: data.messageId, userId: data.userId, username: data.username, emoji };
  return [reacted ? { type: 'ReactionRemoved', data: fact } : { type: 'ReactionAdded', data: fact }];
};

export const roomDecider = (rules: RoomRules): Decider<Room, RoomCommand, RoomEvent> => ({
  initialState,
  evolve,
  snapshotSchema: 'room/2',
  decide: (command, room) => {
    switch (command.type) {
      case 'JoinRoom':
        return joinRoom(command, room, rules);
      case 'LeaveRoom':
        return leaveRoom(command, room, rules);
      case 'SendMessage':
        return sendMessage(command, room, rules);
      case 'EditMessage':
        return editMessage(command, rules);
      case 'DeleteMessage':
        return deleteMessage(command, rules);
      case 'ToggleReaction':
        return toggleReaction(command, room, rules);
      default:
        return assertNever(command);
    }
  },
});

export const roomStream = (room: string): string => `room-${room}`;
