import type { Attachment } from '../room/room.events';

/** Facts of a session stream (`session-<id>`): one identity across reconnects and tabs. */
export type SessionStarted = {
  type: 'SessionStarted';
  data: { sessionId: string; username: string; kind: 'guest' };
};

export type PrivateMessageSent = {
  type: 'PrivateMessageSent';
  data: {
    messageId: string;
    fromUserId: string;
    from: string;
    toUserId: string;
    to: string;
    text: string;
    clientId?: string;
    attachment?: Attachment;
  };
};

/** A guest claimed a name with a password: same session, same messages, now an account. */
export type AccountRegistered = {
  type: 'AccountRegistered';
  data: { sessionId: string; username: string; previousUsername: string; passwordHash: string };
};

/** One token of the session stops working: signing out, or a logout from one device. */
export type SignedOut = {
  type: 'SignedOut';
  data: { sessionId: string; tokenId: string };
};

/**
 * The user has read a room up to its message `seq` (on any device; a first join starts it at the
 * newest message). What unread counts are counted from.
 */
export type ReadMarkerMoved = {
  type: 'ReadMarkerMoved';
  data: { sessionId: string; room: string; seq: number };
};

/** The user has read the private conversation with `withUserId` up to the message at `seq` (its place in the log). */
export type PrivateReadMarkerMoved = {
  type: 'PrivateReadMarkerMoved';
  data: { sessionId: string; withUserId: string; seq: number };
};

/** The pair of a private message (its sender and recipient): every change to it carries them, for the conversation's index. */
type AboutPrivateMessage = { messageId: string; fromUserId: string; toUserId: string };

/** The author changed the text of a private message (in the author's stream). */
export type PrivateMessageEdited = {
  type: 'PrivateMessageEdited';
  data: AboutPrivateMessage & { text: string };
};

/** The author deleted a private message (in the author's stream): a tombstone from now on. */
export type PrivateMessageDeleted = {
  type: 'PrivateMessageDeleted';
  data: AboutPrivateMessage;
};

/** Either side of the conversation reacted to a private message, or took it back (in the reactor's stream). */
export type PrivateReactionAdded = {
  type: 'PrivateReactionAdded';
  data: AboutPrivateMessage & { userId: string; username: string; emoji: string };
};

export type PrivateReactionRemoved = {
  type: 'PrivateReactionRemoved';
  data: AboutPrivateMessage & { userId: string; username: string; emoji: string };
};

export type PrivateMessageChanged = PrivateMessageEdited | PrivateMessageDeleted | PrivateReactionAdded | PrivateReactionRemoved;

export const PRIVATE_CHANGES: ReadonlySet<string> = new Set<PrivateMessageChanged['type']>([
  'PrivateMessageEdited',
  'PrivateMessageDeleted',
  'PrivateReactionAdded',
  'PrivateReactionRemoved',
]);

export type SessionEvent =
  SessionStarted | PrivateMessageSent | AccountRegistered | SignedOut | ReadMarkerMoved | PrivateReadMarkerMoved | PrivateMessageChanged;
