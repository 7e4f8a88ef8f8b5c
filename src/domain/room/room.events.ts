/** Facts of a room stream (`room-<name>`). Stored forever: change shapes only by upcasting. */
export type MemberJoined = {
  type: 'MemberJoined';
  data: { room: string; userId: string; username: string };
};

export type MemberLeft = {
  type: 'MemberLeft';
  data: { room: string; userId: string; username: string; reason: LeaveReason };
};

export type MessageSent = {
  type: 'MessageSent';
  data: {
    room: string;
    messageId: string;
    /** The message's number in its room: 1, 2, 3, … with no gaps. */
    seq: number;
    userId: string;
    username: string;
    text: string;
    clientId?: string;
  };
};

export type LeaveReason = 'left' | 'disconnected';
export type RoomEvent = MemberJoined | MemberLeft | MessageSent;
