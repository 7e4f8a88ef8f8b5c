import { assertNever, type Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import { parseMessageText } from '../shared/message-text';
import type { JoinRoom, LeaveRoom, RoomCommand, SendMessage } from './room.commands';
import type { RoomEvent } from './room.events';

/**
 * A room's state: who is in it, the last message number, and which client ids each user has
 * already used (for idempotent sends). `sent` grows with every message, so `evolve` extends it in
 * place: a state is folded forward linearly and an earlier state is never read again.
 */
export type Room = {
  readonly status: 'Open';
  readonly members: ReadonlyMap<string, string>;
  readonly lastSeq: number;
  readonly sent: Map<string, string>;
};

export type RoomRules = {
  readonly rooms: ReadonlySet<string>;
  readonly maxMessageLength: number;
};

export const clientKey = (userId: string, clientId: string): string => `${userId}\u0000${clientId}`;

export const initialState = (): Room => ({ status: 'Open', members: new Map(), lastSeq: 0, sent: new Map() });

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
      if (event.data.clientId !== undefined) {
        room.sent.set(clientKey(event.data.userId, event.data.clientId), event.data.messageId);
      }
      return { ...room, lastSeq: event.data.seq };
    default:
      return assertNever(event);
  }
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
  const username = room.members.get(command.data.userId);
  if (username === undefined) {
    throw new DomainError('not_a_member', `You are not a member of ${command.data.room}`);
  }
  return [{ type: 'MemberLeft', data: { room: command.data.room, userId: command.data.userId, username, reason: command.data.reason } }];
};

const sendMessage = (command: SendMessage, room: Room, rules: RoomRules): RoomEvent[] => {
  const { data } = command;
  requireKnownRoom(rules, data.room);
  if (!room.members.has(data.userId)) {
    throw new DomainError('not_a_member', `Join ${data.room} before sending to it`);
  }
  if (data.clientId !== undefined && room.sent.has(clientKey(data.userId, data.clientId))) return [];
  const text = parseMessageText(data.text, rules.maxMessageLength);
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
    },
  };
  return [event];
};

export const roomDecider = (rules: RoomRules): Decider<Room, RoomCommand, RoomEvent> => ({
  initialState,
  evolve,
  decide: (command, room) => {
    switch (command.type) {
      case 'JoinRoom':
        return joinRoom(command, room, rules);
      case 'LeaveRoom':
        return leaveRoom(command, room, rules);
      case 'SendMessage':
        return sendMessage(command, room, rules);
      default:
        return assertNever(command);
    }
  },
});

export const roomStream = (room: string): string => `room-${room}`;
