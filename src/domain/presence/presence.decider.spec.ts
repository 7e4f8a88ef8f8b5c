import { specFor } from '../../../test/support/decider-spec';
import type { GoOffline, GoOnline } from './presence.commands';
import { presenceDecider, presenceStream } from './presence.decider';
import type { ConnectionClosed, ConnectionOpened, UserWentOffline, UserWentOnline } from './presence.events';

const given = specFor(presenceDecider);

const user = { userId: 'u-alice', username: 'alice' };

const goOnline = (username = user.username): GoOnline => ({ type: 'GoOnline', data: { userId: user.userId, username } });
const goOffline = (): GoOffline => ({ type: 'GoOffline', data: { userId: user.userId } });

const wentOnline = (username = user.username): UserWentOnline => ({ type: 'UserWentOnline', data: { userId: user.userId, username } });
const wentOffline = (username = user.username): UserWentOffline => ({ type: 'UserWentOffline', data: { userId: user.userId, username } });
/** Written by servers that logged every connection. */
const connectionOpened = (connectionId: string): ConnectionOpened => ({
  type: 'ConnectionOpened',
  data: { ...user, connectionId, node: 'node-a' },
});
const connectionClosed = (connectionId: string, remaining = 0): ConnectionClosed => ({
  type: 'ConnectionClosed',
  data: { userId: user.userId, connectionId, remaining },
});

describe('presence decider', () => {
  describe('when the user has never been online', () => {
    it('brings the user online', () => {
      given([]).when(goOnline()).then([wentOnline()]);
    });

    it('does not take an offline user offline', () => {
      given([]).when(goOffline()).thenNothingHappens();
    });
  });

  describe('when the user is online', () => {
    const online = [wentOnline()];

    it('does not bring them online twice (another tab, a reload)', () => {
      given(online).when(goOnline()).thenNothingHappens();
    });

    it('takes them offline under the name they came online with', () => {
      given(online).when(goOffline()).then([wentOffline()]);
    });
  });

  describe('when the user went offline', () => {
    const offline = [wentOnline(), wentOffline()];

    it('ignores a second go-offline', () => {
      given(offline).when(goOffline()).thenNothingHappens();
    });

    it('comes online again', () => {
      given(offline)
        .when(goOnline('alice2'))
        .then([wentOnline('alice2')]);
    });
  });

  describe('a stream written by servers that logged every connection', () => {
    it('folds the connection events harmlessly: online after them, and offline when told', () => {
      given([connectionOpened('tab-1'), wentOnline(), connectionOpened('tab-2'), connectionClosed('tab-1', 1), connectionClosed('tab-2')])
        .when(goOffline())
        .then([wentOffline()]);
    });

    it('stays offline after a connection opened and went offline before', () => {
      given([connectionOpened('tab-1'), wentOnline(), connectionClosed('tab-1'), wentOffline()])
        .when(goOnline())
        .then([wentOnline()]);
    });
  });

  it('names the stream after the user id', () => {
    expect(presenceStream('u-alice')).toBe('presence-u-alice');
  });
});
