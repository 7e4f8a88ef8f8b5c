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

export type EditMessage = {
  type: 'EditMessage';
  data: { room: string; userId: string; messageId: string; text: string };
};

export type DeleteMessage = {
  type: 'DeleteMessage';
  data: { room: string; userId: string; messageId: string };
};

/** Adds the user's reaction, or takes it back when they already reacted with that emoji. */
export type ToggleReaction = {
  type: 'ToggleReaction';
  data: { room: string; userId: string; username: string; messageId: string; emoji: string };
};

export type RoomCommand = JoinRoom | LeaveRoom | SendMessage | EditMessage | DeleteMessage | ToggleReaction;
