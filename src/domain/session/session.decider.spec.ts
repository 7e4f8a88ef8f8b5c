import { specFor } from '../../../test/support/decider-spec';
import type {
  ChangePrivateMessage,
  MarkPrivateRead,
  MarkRead,
  PrivateMessageFacts,
  SendPrivateMessage,
  StartSession,
} from './session.commands';
import { evolve, initialState, privateMessageFacts, readRefusal, sessionDecider, sessionStream } from './session.decider';
import type { PrivateMessageSent, PrivateReadMarkerMoved, ReadMarkerMoved, SessionStarted } from './session.events';

const MAX = 5;
const given = specFor(sessionDecider({ maxMessageLength: MAX }));

const bob = { userId: 'u-bob', username: 'Bob' };

const startSession = (username = 'alice'): StartSession => ({ type: 'StartSession', data: { sessionId: 'u-alice', username } });
const sessionStarted = (username = 'alice'): SessionStarted => ({
  type: 'SessionStarted',
  data: { sessionId: 'u-alice', username, kind: 'guest' },
});

type Target = SendPrivateMessage['data']['target'];
const online = (name = 'bob'): Target => ({ ...bob, name });
const nobody = (name = 'carol'): Target => ({ userId: null, name });

const sendPrivateMessage = (
  text: string,
  options: { target?: Target; clientId?: string; messageId?: string } = {},
): SendPrivateMessage => ({
  type: 'SendPrivateMessage',
  data: {
    sessionId: 'u-alice',
    messageId: options.messageId ?? 'pm-new',
    text,
    target: options.target ?? online(),
    ...(options.clientId !== undefined ? { clientId: options.clientId } : {}),
  },
});
const privateMessageSent = (text: string, options: { clientId?: string; messageId?: string } = {}): PrivateMessageSent => ({
  type: 'PrivateMessageSent',
  data: {
    messageId: options.messageId ?? 'pm-new',
    fromUserId: 'u-alice',
    from: 'alice',
    toUserId: bob.userId,
    to: bob.username,
    text,
    ...(options.clientId !== undefined ? { clientId: options.clientId } : {}),
  },
});

describe('session decider', () => {
  describe('before the session started', () => {
    it('starts a guest session', () => {
      given([]).when(startSession()).then([sessionStarted()]);
    });

    it('refuses a private message', () => {
      given([]).when(sendPrivateMessage('hi')).thenFailsWith('session_ended');
    });
  });

  describe('when the session is active', () => {
    const active = [sessionStarted()];

    it('treats starting it again as a no-op, even under another name', () => {
      given(active).when(startSession()).thenNothingHappens();
      given(active).when(startSession('mallory')).thenNothingHappens();
    });

    it('sends a private message from the session user to the online target, by the name the target goes by', () => {
      given(active)
        .when(sendPrivateMessage('hi', { target: online('bob') }))
        .then([privateMessageSent('hi')]);
    });

    it('keeps the client id on the message', () => {
      given(active)
        .when(sendPrivateMessage('hi', { clientId: 'c-1' }))
        .then([privateMessageSent('hi', { clientId: 'c-1' })]);
    });

    it('stores the text trimmed', () => {
      given(active)
        .when(sendPrivateMessage('  hi \n'))
        .then([privateMessageSent('hi')]);
    });

    it('refuses a private message to a name nobody can get messages under', () => {
      given(active)
        .when(sendPrivateMessage('hi', { target: nobody() }))
        .thenFailsWith('user_not_found');
    });

    it('refuses an empty or blank private message', () => {
      given(active).when(sendPrivateMessage('')).thenFailsWith('empty_message');
      given(active).when(sendPrivateMessage(' \t\n ')).thenFailsWith('empty_message');
    });

    it('refuses a private message over the maximum length, counting an emoji as one character', () => {
      given(active)
        .when(sendPrivateMessage('x'.repeat(MAX + 1)))
        .thenFailsWith('message_too_long');
      given(active)
        .when(sendPrivateMessage('😀'.repeat(MAX)))
        .then([privateMessageSent('😀'.repeat(MAX))]);
    });
  });

  describe('when a private message with a client id was sent', () => {
    const sent = [sessionStarted(), privateMessageSent('hi', { clientId: 'c-1', messageId: 'pm-1' })];

    // A resend of a client id already used is refused by the store's unique index, however old the
    // first message is, and answered with the original by the handler, even once the target went
    // offline (the event-store contract and test/e2e/private-history-window.e2e-spec.ts): the
    // session's state does not keep every client id.

    it('sends a message with a new client id', () => {
      given(sent)
        .when(sendPrivateMessage('hi', { clientId: 'c-2' }))
        .then([privateMessageSent('hi', { clientId: 'c-2' })]);
    });

    it('sends a message without a client id', () => {
      given(sent)
        .when(sendPrivateMessage('hi'))
        .then([privateMessageSent('hi')]);
    });
  });

  it('keeps who the session is and nothing of its private messages, however many were sent', () => {
    const decider = sessionDecider({ maxMessageLength: MAX });
    const many = Array.from({ length: 1000 }, (_, i) => privateMessageSent(`m${i}`, { clientId: `c-${i}`, messageId: `pm-${i}` }));
    const session = [sessionStarted(), ...many].reduce(decider.evolve, decider.initialState());
    expect(session).toEqual({
      status: 'Active',
      sessionId: 'u-alice',
      username: 'alice',
      kind: 'guest',
      signedOut: new Set(),
      readSeq: new Map(),
      privateReadSeq: new Map(),
    });
  });

  it('names the stream after the session id', () => {
    expect(sessionStream('u-alice')).toBe('session-u-alice');
  });
});

describe('session decider: accounts', () => {
  const register = (username = 'Ada') =>
    ({ type: 'RegisterAccount', data: { sessionId: 'u-alice', username, passwordHash: 'scrypt$h' } }) as const;
  const registered = (username = 'Ada', previousUsername = 'alice') =>
    ({ type: 'AccountRegistered', data: { sessionId: 'u-alice', username, passwordHash: 'scrypt$h', previousUsername } }) as const;
  const signOut = (tokenId = 't-1') => ({ type: 'SignOut', data: { sessionId: 'u-alice', tokenId } }) as const;
  const signedOut = (tokenId = 't-1') => ({ type: 'SignedOut', data: { sessionId: 'u-alice', tokenId } }) as const;

  it('turns a guest into an account, remembering the guest name', () => {
    given([sessionStarted()]).when(register()).then([registered()]);
  });

  it('keeps what signing in and a token check need: the account name, its password hash, the tokens signed out', () => {
    const decider = sessionDecider({ maxMessageLength: MAX });
    const session = [sessionStarted(), registered(), signedOut()].reduce(decider.evolve, decider.initialState());
    expect(session).toEqual({
      status: 'Active',
      sessionId: 'u-alice',
      username: 'Ada',
      kind: 'account',
      passwordHash: 'scrypt$h',
      signedOut: new Set(['t-1']),
      readSeq: new Map(),
      privateReadSeq: new Map(),
    });
  });

  it('refuses to register twice, and without a session', () => {
    given([sessionStarted(), registered()]).when(register('Other')).thenFailsWith('already_registered');
    given([]).when(register()).thenFailsWith('session_ended');
  });

  it('speaks with the account name afterwards', () => {
    given([sessionStarted(), registered()])
      .when(sendPrivateMessage('hi'))
      .then([{ ...privateMessageSent('hi'), data: { ...privateMessageSent('hi').data, from: 'Ada' } }]);
  });

  it('signs a token out once', () => {
    given([sessionStarted()]).when(signOut()).then([signedOut()]);
    given([sessionStarted(), signedOut()]).when(signOut()).thenNothingHappens();
    given([sessionStarted(), signedOut()])
      .when(signOut('t-2'))
      .then([signedOut('t-2')]);
    given([]).when(signOut()).thenNothingHappens();
  });

  describe('read markers', () => {
    const markRead = (seq: number, newest = 10, room = 'General'): MarkRead => ({
      type: 'MarkRead',
      data: { sessionId: 'u-alice', room, seq, newest },
    });
    const moved = (seq: number, room = 'General'): ReadMarkerMoved => ({
      type: 'ReadMarkerMoved',
      data: { sessionId: 'u-alice', room, seq },
    });

    it('moves the marker of a room forward, each room on its own', () => {
      given([sessionStarted()])
        .when(markRead(4))
        .then([moved(4)]);
      given([sessionStarted(), moved(4)])
        .when(markRead(7))
        .then([moved(7)]);
      given([sessionStarted(), moved(4)])
        .when(markRead(2, 10, 'The Nerd Nook'))
        .then([moved(2, 'The Nerd Nook')]);
    });

    it('sets a first marker only where there is none', () => {
      const initial = (seq: number): MarkRead => ({
        type: 'MarkRead',
        data: { sessionId: 'u-alice', room: 'General', seq, newest: seq, initial: true },
      });
      given([sessionStarted()])
        .when(initial(9))
        .then([moved(9)]);
      given([sessionStarted(), moved(4)])
        .when(initial(9))
        .thenNothingHappens();
    });

    it('changes nothing for a seq at or below the marker, or beyond the newest message', () => {
      given([sessionStarted(), moved(4)])
        .when(markRead(4))
        .thenNothingHappens();
      given([sessionStarted(), moved(4)])
        .when(markRead(3))
        .thenNothingHappens();
      given([sessionStarted()]).when(markRead(11, 10)).thenNothingHappens();
      given([sessionStarted()]).when(markRead(0, 0)).thenNothingHappens();
    });

    it('says why it changed nothing', () => {
      const session = [sessionStarted(), moved(4)].reduce(evolve, initialState());
      expect(readRefusal(session, markRead(3))).toBe('not_newer');
      expect(readRefusal(session, markRead(11))).toBe('beyond_newest');
      expect(readRefusal(session, markRead(5))).toBeUndefined();
    });

    it('needs a session', () => {
      given([]).when(markRead(1)).thenFailsWith('session_ended');
    });
  });

  describe('read markers of private conversations', () => {
    const markPrivateRead = (seq: number, newest = 100, withUserId = bob.userId): MarkPrivateRead => ({
      type: 'MarkPrivateRead',
      data: { sessionId: 'u-alice', withUserId, seq, newest },
    });
    const privateMoved = (seq: number, withUserId = bob.userId): PrivateReadMarkerMoved => ({
      type: 'PrivateReadMarkerMoved',
      data: { sessionId: 'u-alice', withUserId, seq },
    });
    const moved = (seq: number): ReadMarkerMoved => ({ type: 'ReadMarkerMoved', data: { sessionId: 'u-alice', room: 'General', seq } });

    it('moves the marker of each conversation forward on its own, apart from the rooms', () => {
      given([sessionStarted(), moved(40)])
        .when(markPrivateRead(12))
        .then([privateMoved(12)]);
      given([sessionStarted(), privateMoved(12)])
        .when(markPrivateRead(30))
        .then([privateMoved(30)]);
      given([sessionStarted(), privateMoved(12)])
        .when(markPrivateRead(5, 100, 'u-carol'))
        .then([privateMoved(5, 'u-carol')]);
      const session = [sessionStarted(), privateMoved(12), moved(40)].reduce(evolve, initialState());
      expect(session).toMatchObject({ readSeq: new Map([['General', 40]]), privateReadSeq: new Map([[bob.userId, 12]]) });
    });

    it('changes nothing for a seq at or below the marker, or beyond the newest message, and says why', () => {
      given([sessionStarted(), privateMoved(12)])
        .when(markPrivateRead(12))
        .thenNothingHappens();
      given([sessionStarted()]).when(markPrivateRead(101, 100)).thenNothingHappens();
      given([sessionStarted()]).when(markPrivateRead(1, 0)).thenNothingHappens();
      const session = [sessionStarted(), privateMoved(12)].reduce(evolve, initialState());
      expect(readRefusal(session, markPrivateRead(11))).toBe('not_newer');
      expect(readRefusal(session, markPrivateRead(101))).toBe('beyond_newest');
      expect(readRefusal(session, markPrivateRead(13))).toBeUndefined();
      given([]).when(markPrivateRead(1)).thenFailsWith('session_ended');
    });
  });
});

describe('session decider: changes to private messages', () => {
  const facts = (overrides: Partial<PrivateMessageFacts> = {}): PrivateMessageFacts => ({
    fromUserId: 'u-alice',
    toUserId: bob.userId,
    deleted: false,
    reactions: new Map(),
    ...overrides,
  });
  const change = (
    kind: ChangePrivateMessage['data']['change'],
    message: PrivateMessageFacts | undefined = facts(),
  ): ChangePrivateMessage => ({
    type: 'ChangePrivateMessage',
    data: { sessionId: 'u-alice', messageId: 'pm-1', message, change: kind },
  });
  const about = { messageId: 'pm-1', fromUserId: 'u-alice', toUserId: bob.userId };

  it('lets the author edit and delete, once deleted nothing more', () => {
    given([sessionStarted()])
      .when(change({ kind: 'edit', text: ' fixed ' }))
      .then([{ type: 'PrivateMessageEdited', data: { ...about, text: 'fixed' } }]);
    given([sessionStarted()])
      .when(change({ kind: 'delete' }))
      .then([{ type: 'PrivateMessageDeleted', data: about }]);
    given([sessionStarted()])
      .when(change({ kind: 'delete' }, facts({ deleted: true })))
      .thenNothingHappens();
    given([sessionStarted()])
      .when(change({ kind: 'edit', text: 'x' }, facts({ deleted: true })))
      .thenFailsWith('message_not_found');
    given([sessionStarted()])
      .when(change({ kind: 'edit', text: 'too long' }))
      .thenFailsWith('message_too_long');
  });

  it('refuses the other side an edit or a delete, and a stranger anything', () => {
    const theirs = facts({ fromUserId: bob.userId, toUserId: 'u-alice' });
    given([sessionStarted()])
      .when(change({ kind: 'edit', text: 'x' }, theirs))
      .thenFailsWith('forbidden');
    given([sessionStarted()])
      .when(change({ kind: 'delete' }, theirs))
      .thenFailsWith('forbidden');
    const strangers = facts({ fromUserId: bob.userId, toUserId: 'u-carol' });
    given([sessionStarted()])
      .when(change({ kind: 'react', emoji: '👍' }, strangers))
      .thenFailsWith('message_not_found');
    const unknown: ChangePrivateMessage = {
      ...change({ kind: 'react', emoji: '👍' }),
      data: { ...change({ kind: 'delete' }).data, message: undefined },
    };
    given([sessionStarted()]).when(unknown).thenFailsWith('message_not_found');
  });

  it('toggles a reaction of either side, one spelling per emoji', () => {
    const theirs = facts({ fromUserId: bob.userId, toUserId: 'u-alice' });
    const reaction = { messageId: 'pm-1', fromUserId: bob.userId, toUserId: 'u-alice', userId: 'u-alice', username: 'alice', emoji: '❤️' };
    given([sessionStarted()])
      .when(change({ kind: 'react', emoji: '❤' }, theirs))
      .then([{ type: 'PrivateReactionAdded', data: reaction }]);
    given([sessionStarted()])
      .when(change({ kind: 'react', emoji: '❤️' }, facts({ ...theirs, reactions: new Map([['❤️', new Set(['u-alice'])]]) })))
      .then([{ type: 'PrivateReactionRemoved', data: reaction }]);
    given([sessionStarted()])
      .when(change({ kind: 'react', emoji: 'not an emoji' }, theirs))
      .thenFailsWith('invalid_emoji');
  });

  it('folds a message from its sending and its changes', () => {
    const sent = privateMessageSent('hi', { messageId: 'pm-1' });
    const added = { type: 'PrivateReactionAdded' as const, data: { ...about, userId: bob.userId, username: 'bob', emoji: '👍' } };
    expect(privateMessageFacts([sent, added])).toEqual(facts({ reactions: new Map([['👍', new Set([bob.userId])]]) }));
    expect(privateMessageFacts([sent, added, { type: 'PrivateReactionRemoved', data: added.data }])).toEqual(facts());
    expect(privateMessageFacts([sent, { type: 'PrivateMessageDeleted', data: about }])).toEqual(facts({ deleted: true }));
    expect(privateMessageFacts([added])).toBeUndefined();
  });
});
