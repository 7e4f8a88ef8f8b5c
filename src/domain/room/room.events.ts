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
    /** A file uploaded before and shared with this message; the text may then be empty. */
    attachment?: Attachment;
  };
};

export type Attachment = { fileId: string; name: string; type: string; size: number };

/** The author changed the text; the log keeps every version. */
export type MessageEdited = {
  type: 'MessageEdited';
  data: { room: string; messageId: string; userId: string; text: string };
};

/** The author deleted the message; history shows a tombstone. */
export type MessageDeleted = {
  type: 'MessageDeleted';
  data: { room: string; messageId: string; userId: string };
};

export type ReactionAdded = {
  type: 'ReactionAdded';
  data: { room: string; messageId: string; userId: string; username: string; emoji: string };
};

export type ReactionRemoved = {
  type: 'ReactionRemoved';
  data: { room: string; messageId: string; userId: string; username: string; emoji: string };
};

export type LeaveReason = 'left' | 'disconnected';
export type RoomEvent = MemberJoined | MemberLeft | MessageSent | MessageEdited | MessageDeleted | ReactionAdded | ReactionRemoved;
