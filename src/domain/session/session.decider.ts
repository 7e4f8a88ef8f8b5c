import { assertNever, type Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import { parseMessageText } from '../shared/message-text';
import { parseEmoji } from '../shared/emoji';
import { foldReaction } from '../shared/reactions';
import type {
  ChangePrivateMessage,
  MarkPrivateRead,
  MarkRead,
  PrivateMessageFacts,
  RegisterAccount,
  SendPrivateMessage,
  SessionCommand,
  SignOut,
  StartSession,
} from './session.commands';
import type { PrivateMessageChanged, PrivateMessageSent, SessionEvent } from './session.events';

/**
 * A session's state: who it is, the password hash of an account (what signing in checks), and which
 * tokens were signed out. Its sets and maps are replaced, never changed, so a new session shares empty
 * ones (most sessions are guests that never sign out or mark anything read; states of recent
 * sessions stay cached by the thousand). It does not grow with private messages: a resend of a client
 * id already used is refused by the store's unique index (`DuplicateClientIdError`), however old the
 * first message is, and the handler answers it with the original.
 */
export type Session =
  | { readonly status: 'None' }
  | {
      readonly status: 'Active';
      readonly sessionId: string;
      readonly username: string;
      readonly kind: 'guest' | 'account';
      /** Set once the session is an account. */
      readonly passwordHash?: string;
      readonly signedOut: ReadonlySet<string>;
      /** room → the seq read up to (one entry per room the user ever read: bounded by the rooms). */
      readonly readSeq: ReadonlyMap<string, number>;
      /** other user's id → the seq read up to in that private conversation (one entry per conversation read). */
      readonly privateReadSeq: ReadonlyMap<string, number>;
    };

export type SessionRules = { readonly maxMessageLength: number };

export const initialState = (): Session => ({ status: 'None' });

const NONE_SIGNED_OUT: ReadonlySet<string> = new Set();
const NO_MARKERS: ReadonlyMap<string, number> = new Map();

export const evolve = (session: Session, event: SessionEvent): Session => {
  switch (event.type) {
    case 'SessionStarted':
      return {
        status: 'Active',
        sessionId: event.data.sessionId,
        username: event.data.username,
        kind: 'guest',
        signedOut: NONE_SIGNED_OUT,
        readSeq: NO_MARKERS,
        privateReadSeq: NO_MARKERS,
      };
    case 'AccountRegistered':
      return session.status === 'Active'
        ? { ...session, username: event.data.username, kind: 'account', passwordHash: event.data.passwordHash }
        : session;
    case 'SignedOut':
      return session.status === 'Active' ? { ...session, signedOut: new Set(session.signedOut).add(event.data.tokenId) } : session;
    case 'PrivateMessageSent':
    case 'PrivateMessageEdited':
    case 'PrivateMessageDeleted':
    case 'PrivateReactionAdded':
    case 'PrivateReactionRemoved':
      return session;
    case 'ReadMarkerMoved': {
      if (session.status !== 'Active') return session;
      const readSeq = new Map(session.readSeq);
      readSeq.set(event.data.room, event.data.seq);
      return { ...session, readSeq };
    }
    case 'PrivateReadMarkerMoved': {
      if (session.status !== 'Active') return session;
      const privateReadSeq = new Map(session.privateReadSeq);
      privateReadSeq.set(event.data.withUserId, event.data.seq);
      return { ...session, privateReadSeq };
    }
    default:
      return assertNever(event);
  }
};

/** The marker a read command moves, as it stands (0: none yet). */
export const readMarker = (session: Session, command: MarkRead | MarkPrivateRead): number => {
  if (session.status !== 'Active') return 0;
  return (command.type === 'MarkRead' ? session.readSeq.get(command.data.room) : session.privateReadSeq.get(command.data.withUserId)) ?? 0;
};

/** Why a read changed nothing: the marker is already there or further, or the seq is beyond the newest message. */
export const readRefusal = (session: Session, command: MarkRead | MarkPrivateRead): 'not_newer' | 'beyond_newest' | undefined => {
  const { seq, newest } = command.data;
  if (seq > newest) return 'beyond_newest';
  if (seq <= readMarker(session, command)) return 'not_newer';
  return undefined;
};

const markPrivateRead = (command: MarkPrivateRead, session: Session): SessionEvent[] => {
  if (session.status !== 'Active') throw new DomainError('session_ended', 'No such session');
  if (readRefusal(session, command) !== undefined) return [];
  const { sessionId, withUserId, seq } = command.data;
  return [{ type: 'PrivateReadMarkerMoved', data: { sessionId, withUserId, seq } }];
};

const markRead = (command: MarkRead, session: Session): SessionEvent[] => {
  if (session.status !== 'Active') throw new DomainError('session_ended', 'No such session');
  if (readRefusal(session, command) !== undefined) return [];
  const { sessionId, room, seq, initial } = command.data;
  if (initial === true && session.readSeq.has(room)) return [];
  return [{ type: 'ReadMarkerMoved', data: { sessionId, room, seq } }];
};

/** A private message's facts from its events in log order (its sending, then its changes); undefined without its sending. */
export const privateMessageFacts = (events: readonly (PrivateMessageSent | PrivateMessageChanged)[]): PrivateMessageFacts | undefined => {
  let facts: { fromUserId: string; toUserId: string; deleted: boolean; reactions: Map<string, Set<string>> } | undefined;
  for (const event of events) {
    if (event.type === 'PrivateMessageSent') {
      facts = { fromUserId: event.data.fromUserId, toUserId: event.data.toUserId, deleted: false, reactions: new Map() };
      continue;
    }
    if (facts === undefined) continue;
    if (event.type === 'PrivateMessageDeleted') facts.deleted = true;
    if (event.type === 'PrivateReactionAdded' || event.type === 'PrivateReactionRemoved') {
      foldReaction(facts.reactions, event.data.emoji, event.data.userId, event.type === 'PrivateReactionAdded');
    }
  }
  return facts;
};

const changePrivateMessage = (command: ChangePrivateMessage, session: Session, rules: SessionRules): SessionEvent[] => {
  if (session.status !== 'Active') throw new DomainError('session_ended', 'No such session');
  const { sessionId, messageId, message, change } = command.data;
  // Only the two sides of the conversation know the message exists.
  if (message === undefined || (message.fromUserId !== sessionId && message.toUserId !== sessionId)) {
    throw new DomainError('message_not_found', 'No such message');
  }
  const about = { messageId, fromUserId: message.fromUserId, toUserId: message.toUserId };
  if (change.kind === 'delete') {
    if (message.fromUserId !== sessionId) throw new DomainError('forbidden', 'Only the author can delete a message');
    return message.deleted ? [] : [{ type: 'PrivateMessageDeleted', data: about }];
  }
  if (message.deleted) throw new DomainError('message_not_found', 'No such message');
  if (change.kind === 'edit') {
    if (message.fromUserId !== sessionId) throw new DomainError('forbidden', 'Only the author can edit a message');
    return [{ type: 'PrivateMessageEdited', data: { ...about, text: parseMessageText(change.text, rules.maxMessageLength) } }];
  }
  const emoji = parseEmoji(change.emoji);
  const fact = { ...about, userId: sessionId, username: session.username, emoji };
  const reacted = message.reactions.get(emoji)?.has(sessionId) ?? false;
  return [reacted ? { type: 'PrivateReactionRemoved', data: fact } : { type: 'PrivateReactionAdded', data: fact }];
};

const startSession = (command: StartSession, session: Session): SessionEvent[] => {
  if (session.status === 'Active') return [];
  return [{ type: 'SessionStarted', data: { ...command.data, kind: 'guest' } }];
};

const sendPrivateMessage = (command: SendPrivateMessage, session: Session, rules: SessionRules): SessionEvent[] => {
  const { data } = command;
  if (session.status !== 'Active') throw new DomainError('session_ended', 'No such session');
  if (data.target.userId === null) {
    throw new DomainError('user_not_found', `No user named ${data.target.name}`);
  }
  const text = data.attachment !== undefined && data.text.trim() === '' ? '' : parseMessageText(data.text, rules.maxMessageLength);
  return [
    {
      type: 'PrivateMessageSent',
      data: {
        messageId: data.messageId,
        fromUserId: session.sessionId,
        from: session.username,
        toUserId: data.target.userId,
        to: data.target.username,
        text,
        ...(data.clientId !== undefined ? { clientId: data.clientId } : {}),
        ...(data.attachment !== undefined ? { attachment: data.attachment } : {}),
      },
    },
  ];
};

const registerAccount = (command: RegisterAccount, session: Session): SessionEvent[] => {
  if (session.status !== 'Active') throw new DomainError('session_ended', 'No such session');
  if (session.kind === 'account') throw new DomainError('already_registered', `This session is already the account ${session.username}`);
  return [{ type: 'AccountRegistered', data: { ...command.data, previousUsername: session.username } }];
};

const signOut = (command: SignOut, session: Session): SessionEvent[] => {
  if (session.status !== 'Active' || session.signedOut.has(command.data.tokenId)) return [];
  return [{ type: 'SignedOut', data: { ...command.data } }];
};

export const sessionDecider = (rules: SessionRules): Decider<Session, SessionCommand, SessionEvent> => ({
  initialState,
  evolve,
  snapshotSchema: 'session/5',
  decide: (command, session) => {
    switch (command.type) {
      case 'StartSession':
        return startSession(command, session);
      case 'SendPrivateMessage':
        return sendPrivateMessage(command, session, rules);
      case 'RegisterAccount':
        return registerAccount(command, session);
      case 'SignOut':
        return signOut(command, session);
      case 'MarkRead':
        return markRead(command, session);
      case 'MarkPrivateRead':
        return markPrivateRead(command, session);
      case 'ChangePrivateMessage':
        return changePrivateMessage(command, session, rules);
      default:
        return assertNever(command);
    }
  },
});

export const sessionStream = (sessionId: string): string => `session-${sessionId}`;
