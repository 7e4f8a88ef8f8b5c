import type { Attachment } from '../room/room.events';

export type StartSession = {
  type: 'StartSession';
  data: { sessionId: string; username: string };
};

export type SendPrivateMessage = {
  type: 'SendPrivateMessage';
  data: {
    sessionId: string;
    messageId: string;
    text: string;
    clientId?: string;
    attachment?: Attachment;
    /** The recipient (online, or known and offline), or null when nobody by that name can get it. */
    target: { userId: string; username: string; name: string } | { userId: null; name: string };
  };
};

/** The name must already be claimed for this session (the username stream decides that). */
export type RegisterAccount = {
  type: 'RegisterAccount';
  data: { sessionId: string; username: string; passwordHash: string };
};

export type SignOut = {
  type: 'SignOut';
  data: { sessionId: string; tokenId: string };
};

/**
 * Move the read marker of a room to `seq`; `newest` is the room's newest message as the caller saw
 * it. `initial`: only when the room has no marker yet (a first join).
 */
export type MarkRead = {
  type: 'MarkRead';
  data: { sessionId: string; room: string; seq: number; newest: number; initial?: true };
};

/**
 * Move the read marker of the private conversation with `withUserId` to `seq` (a message's place in
 * the log); `newest` is the conversation's newest message as the caller saw it (0: none).
 */
export type MarkPrivateRead = {
  type: 'MarkPrivateRead';
  data: { sessionId: string; withUserId: string; seq: number; newest: number };
};

/** What is known of a private message, folded from its events (`privateMessageFacts`). */
export type PrivateMessageFacts = {
  readonly fromUserId: string;
  readonly toUserId: string;
  readonly deleted: boolean;
  /** emoji → the ids of the users who reacted with it */
  readonly reactions: ReadonlyMap<string, ReadonlySet<string>>;
};

/**
 * An edit or delete (the author only) or a reaction toggle (either side) on a private message; it
 * carries the message's facts as the caller found them (undefined: no such message).
 */
export type ChangePrivateMessage = {
  type: 'ChangePrivateMessage';
  data: {
    sessionId: string;
    messageId: string;
    message: PrivateMessageFacts | undefined;
    change: { kind: 'edit'; text: string } | { kind: 'delete' } | { kind: 'react'; emoji: string };
  };
};

export type SessionCommand =
  StartSession | SendPrivateMessage | RegisterAccount | SignOut | MarkRead | MarkPrivateRead | ChangePrivateMessage;
