import { assertNever, type Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import { parseMessageText } from '../shared/message-text';
import type { SendPrivateMessage, SessionCommand, StartSession } from './session.commands';
import type { SessionEvent } from './session.events';

/** `sent` (client ids already used) is extended in place; states are folded forward linearly. */
export type Session =
  | { readonly status: 'None' }
  | {
      readonly status: 'Active';
      readonly sessionId: string;
      readonly username: string;
      readonly sent: Map<string, string>;
    };

export type SessionRules = { readonly maxMessageLength: number };

export const initialState = (): Session => ({ status: 'None' });

export const evolve = (session: Session, event: SessionEvent): Session => {
  switch (event.type) {
    case 'SessionStarted':
      return { status: 'Active', sessionId: event.data.sessionId, username: event.data.username, sent: new Map() };
    case 'PrivateMessageSent':
      if (session.status === 'Active' && event.data.clientId !== undefined) {
        session.sent.set(event.data.clientId, event.data.messageId);
      }
      return session;
    default:
      return assertNever(event);
  }
};

const startSession = (command: StartSession, session: Session): SessionEvent[] => {
  if (session.status === 'Active') return [];
  return [{ type: 'SessionStarted', data: { ...command.data, kind: 'guest' } }];
};

const sendPrivateMessage = (command: SendPrivateMessage, session: Session, rules: SessionRules): SessionEvent[] => {
  const { data } = command;
  if (session.status !== 'Active') throw new DomainError('session_ended', 'No such session');
  if (data.clientId !== undefined && session.sent.has(data.clientId)) return [];
  if (data.target.userId === null) {
    throw new DomainError('user_not_found', `${data.target.name} is not online`);
  }
  const text = parseMessageText(data.text, rules.maxMessageLength);
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
      },
    },
  ];
};

export const sessionDecider = (rules: SessionRules): Decider<Session, SessionCommand, SessionEvent> => ({
  initialState,
  evolve,
  decide: (command, session) => {
    switch (command.type) {
      case 'StartSession':
        return startSession(command, session);
      case 'SendPrivateMessage':
        return sendPrivateMessage(command, session, rules);
      default:
        return assertNever(command);
    }
  },
});

export const sessionStream = (sessionId: string): string => `session-${sessionId}`;
