/** Facts of a room stream (`room-<name>`). Stored forever: change shapes only by upcasting. */
export type MemberJoined = {
  type: 'MemberJoined';
  /** `invite`: the code that let them into a private room, counted against its uses. */
  data: { room: string; userId: string; username: string; invite?: string };
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
    /** The id of the message of this room it answers. */
    replyTo?: string;
    /** When it was sent (ms since the epoch): only while the room is in slow mode, which needs it. */
    at?: number;
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

export type Visibility = 'public' | 'private';
/** A role in one room. Server admins (`ADMIN_USERS`) stand above every room's owner. */
export type RoomRole = 'owner' | 'moderator' | 'member';

/** Who did it: a moderation event names the moderator as well as the member it is about. */
type By = { byUserId: string; byUsername: string };
/** The member a moderation event is about. */
type About = { room: string; userId: string; username: string };

/** Someone with an account created the room and owns it. Default rooms (`CHAT_ROOMS`) have no such event. */
export type RoomCreated = {
  type: 'RoomCreated';
  data: { room: string; visibility: Visibility; topic: string; userId: string; username: string };
};

export type TopicSet = { type: 'TopicSet'; data: { room: string; topic: string } & By };

/** Read-only from now on: nobody joins or writes, it is not listed, its history stays. */
export type RoomArchived = { type: 'RoomArchived'; data: { room: string } & By };

/** A code that lets its holder into a private room; `expiresAt` in ms since the epoch. */
export type InviteCreated = {
  type: 'InviteCreated';
  data: { room: string; code: string; maxUses?: number; expiresAt?: number; at: number } & By;
};

export type RoleSet = { type: 'RoleSet'; data: About & By & { role: RoomRole } };

/** Out of the room; may join again. */
export type MemberKicked = { type: 'MemberKicked'; data: About & By & { reason?: string } };

/** Out of the room, and may not join or read it until `until` (ms since the epoch; none: for good). */
export type MemberBanned = { type: 'MemberBanned'; data: About & By & { until?: number; reason?: string; at: number } };
export type MemberUnbanned = { type: 'MemberUnbanned'; data: About & By };

/** May not send until `until` (none: until unmuted). */
export type MemberMuted = { type: 'MemberMuted'; data: About & By & { until?: number; reason?: string; at: number } };
export type MemberUnmuted = { type: 'MemberUnmuted'; data: About & By };

/** A moderator removed the message: a tombstone that says so. `userId`, `username` are its author, `seq` its number. */
export type MessageRemoved = {
  type: 'MessageRemoved';
  data: { room: string; messageId: string; userId: string; reason?: string; username?: string; seq?: number } & By;
};

/** Members (not moderators) wait `seconds` between messages; 0 turns it off. */
export type SlowModeSet = { type: 'SlowModeSet'; data: { room: string; seconds: number } & By };

/** Moderation events: what `GET /api/rooms/:room/audit` lists. */
export const MODERATION_EVENT_TYPES = [
  'RoleSet',
  'MemberKicked',
  'MemberBanned',
  'MemberUnbanned',
  'MemberMuted',
  'MemberUnmuted',
  'MessageRemoved',
  'SlowModeSet',
  'TopicSet',
  'RoomArchived',
] as const;

export type ModerationEvent = Extract<RoomEvent, { type: (typeof MODERATION_EVENT_TYPES)[number] }>;

/** Every event of a room that is not about one message: what its members, roles and bans are folded from. */
export const ROOM_STATE_EVENT_TYPES = ['RoomCreated', 'MemberJoined', 'MemberLeft', 'InviteCreated', ...MODERATION_EVENT_TYPES] as const;

export type RoomEvent =
  | MemberJoined
  | MemberLeft
  | MessageSent
  | MessageEdited
  | MessageDeleted
  | ReactionAdded
  | ReactionRemoved
  | RoomCreated
  | TopicSet
  | RoomArchived
  | InviteCreated
  | RoleSet
  | MemberKicked
  | MemberBanned
  | MemberUnbanned
  | MemberMuted
  | MemberUnmuted
  | MessageRemoved
  | SlowModeSet;
