import type { MessageFacts } from './room.decider';
import type { Attachment, LeaveReason, RoomRole, Visibility } from './room.events';

/**
 * Who acts, with what the decider cannot know by itself: whether they hold an account and whether
 * they are a server admin (`ADMIN_USERS`). `now` is the time of the decision, in ms since the epoch.
 */
export type Acting = { userId: string; username: string; account: boolean; admin: boolean };
/** The member a moderation command is about. */
export type Target = { userId: string; username: string; admin: boolean };

export type JoinRoom = {
  type: 'JoinRoom';
  /** `invite`: a code for a private room; `admin`: a server admin joins any room; `now` for bans and invites. */
  data: { room: string; userId: string; username: string; invite?: string; admin?: boolean; now?: number };
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
    /** The message it answers, with its facts (undefined: no such message in the room). */
    replyTo?: { messageId: string; message: MessageFacts | undefined };
    /** For mutes and slow mode; a decision without it ignores both. */
    now?: number;
    /** Moderators, owners and admins are not held by slow mode. */
    admin?: boolean;
  };
};

/**
 * A command about one message carries that message's facts as of the room's current version
 * (`messageFacts` of its events; undefined when there is no such message in the room).
 */
type AboutMessage = { room: string; userId: string; messageId: string; message: MessageFacts | undefined; now?: number };

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

export type CreateRoom = { type: 'CreateRoom'; data: { room: string; visibility: Visibility; topic: string; by: Acting } };
export type SetTopic = { type: 'SetTopic'; data: { room: string; topic: string; by: Acting } };
export type ArchiveRoom = { type: 'ArchiveRoom'; data: { room: string; by: Acting } };
export type CreateInvite = {
  type: 'CreateInvite';
  data: { room: string; code: string; maxUses?: number; expiresAt?: number; by: Acting; now: number };
};
export type SetRole = { type: 'SetRole'; data: { room: string; target: Target; role: RoomRole; by: Acting } };
export type Kick = { type: 'Kick'; data: { room: string; target: Target; reason?: string; by: Acting } };
export type Ban = { type: 'Ban'; data: { room: string; target: Target; until?: number; reason?: string; by: Acting; now: number } };
export type Unban = { type: 'Unban'; data: { room: string; target: Target; by: Acting } };
export type Mute = { type: 'Mute'; data: { room: string; target: Target; until?: number; reason?: string; by: Acting; now: number } };
export type Unmute = { type: 'Unmute'; data: { room: string; target: Target; by: Acting } };
/** `authorAdmin`: whether the message's author is a server admin, whom no moderator overrules. */
export type RemoveMessage = {
  type: 'RemoveMessage';
  data: { room: string; messageId: string; message: MessageFacts | undefined; authorAdmin: boolean; reason?: string; by: Acting };
};
export type SetSlowMode = { type: 'SetSlowMode'; data: { room: string; seconds: number; by: Acting } };

export type ModerationCommand = SetRole | Kick | Ban | Unban | Mute | Unmute | RemoveMessage | SetSlowMode;
export type CommunityCommand = CreateRoom | SetTopic | ArchiveRoom | CreateInvite;

export type RoomCommand =
  JoinRoom | LeaveRoom | SendMessage | EditMessage | DeleteMessage | ToggleReaction | CommunityCommand | ModerationCommand;
