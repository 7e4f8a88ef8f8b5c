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

export type SessionEvent = SessionStarted | PrivateMessageSent | AccountRegistered | SignedOut | ReadMarkerMoved | PrivateReadMarkerMoved;
