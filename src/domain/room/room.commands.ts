import type { LeaveReason } from './room.events';

export type JoinRoom = {
  type: 'JoinRoom';
  data: { room: string; userId: string; username: string };
};

export type LeaveRoom = {
  type: 'LeaveRoom';
  data: { room: string; userId: string; reason: LeaveReason };
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
  };
};

export type RoomCommand = JoinRoom | LeaveRoom | SendMessage;
