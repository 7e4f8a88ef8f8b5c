import type { MessageFacts } from './room.decider';
import type { Attachment, LeaveReason } from './room.events';

export type JoinRoom = {
  type: 'JoinRoom';
  data: { room: string; userId: string; username: string };
};

export type LeaveRoom = {
  type: 'LeaveRoom';
  /** `username`: the leaver's current name, when it changed since joining. */
  data: { room: string; userId: string; reason: LeaveReason; username?: string };
};

export type SendMessage = {
  type: 'SendMessage';
  data: {
    room: string;
    userId: string;
    username: string;
    messageId: string;
    text: string;
    clientId?: string;
    attachment?: Attachment;
  };
};

/**
 * A command about one message carries that message's facts as of the room's current version
 * (`messageFacts` of its events; undefined when there is no such message in the room).
 */
type AboutMessage = { room: string; userId: string; messageId: string; message: MessageFacts | undefined };

export type EditMessage = {
  type: 'EditMessage';
  data: AboutMessage & { text: string };
};

export type DeleteMessage = {
  type: 'DeleteMessage';
  data: AboutMessage;
};

/** Adds the user's reaction, or takes it back when they already reacted with that emoji. */
export type ToggleReaction = {
  type: 'ToggleReaction';
  data: AboutMessage & { username: string; emoji: string };
};

export type RoomCommand = JoinRoom | LeaveRoom | SendMessage | EditMessage | DeleteMessage | ToggleReaction;
