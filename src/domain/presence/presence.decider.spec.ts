import { specFor } from '../../../test/support/decider-spec';
import type { CloseConnection, GoOffline, OpenConnection } from './presence.commands';
import { presenceDecider, presenceStream } from './presence.decider';
import type { ConnectionClosed, ConnectionOpened, UserWentOffline, UserWentOnline } from './presence.events';

const given = specFor(presenceDecider);

const user = { userId: 'u-alice', username: 'alice' };

const openConnection = (connectionId: string, node = 'node-a'): OpenConnection => ({
  type: 'OpenConnection',
  data: { ...user, connectionId, node },
});
const closeConnection = (connectionId: string): CloseConnection => ({
  type: 'CloseConnection',
  data: { userId: user.userId, connectionId },
});
const goOffline = (): GoOffline => ({ type: 'GoOffline', data: { userId: user.userId } });

const connectionOpened = (connectionId: string, node = 'node-a'): ConnectionOpened => ({
  type: 'ConnectionOpened',
  data: { ...user, connectionId, node },
});
const connectionClosed = (connectionId: string, remaining = 0): ConnectionClosed => ({
  type: 'ConnectionClosed',
  data: { userId: user.userId, connectionId, remaining },
});
const wentOnline = (): UserWentOnline => ({ type: 'UserWentOnline', data: { ...user } });
const wentOffline = (): UserWentOffline => ({ type: 'UserWentOffline', data: { ...user } });

describe('presence decider', () => {
  describe('when the user has never connected', () => {
    it('opens the first connection and brings the user online', () => {
      given([])
        .when(openConnection('tab-1'))
        .then([connectionOpened('tab-1'), wentOnline()]);
    });

    it('ignores closing a connection it never saw', () => {
      given([]).when(closeConnection('tab-1')).thenNothingHappens();
    });

    it('does not take an offline user offline', () => {
      given([]).when(goOffline()).thenNothingHappens();
    });
  });

  describe('when the user is online in one tab', () => {
    const oneTab = [connectionOpened('tab-1'), wentOnline()];

    it('opens a second tab without going online again', () => {
      given(oneTab)
        .when(openConnection('tab-2', 'node-b'))
        .then([connectionOpened('tab-2', 'node-b')]);
    });

    it('ignores a duplicate open of the same connection', () => {
      given(oneTab).when(openConnection('tab-1')).thenNothingHappens();
    });

    it('closes the tab, its last', () => {
      given(oneTab)
        .when(closeConnection('tab-1'))
        .then([connectionClosed('tab-1')]);
    });

    it('does not go offline while the connection lives', () => {
      given(oneTab).when(goOffline()).thenNothingHappens();
    });
  });

  describe('when the user is online in two tabs', () => {
    const twoTabs = [connectionOpened('tab-1'), wentOnline(), connectionOpened('tab-2')];

    it('closes one tab, with one still open, and stays online', () => {
      given(twoTabs)
        .when(closeConnection('tab-1'))
        .then([connectionClosed('tab-1', 1)]);
    });

    it('does not go offline after one of the two tabs closed', () => {
      given([...twoTabs, connectionClosed('tab-1', 1)])
        .when(goOffline())
        .thenNothingHappens();
    });

    it('ignores a duplicate close', () => {
      given([...twoTabs, connectionClosed('tab-1', 1)])
        .when(closeConnection('tab-1'))
        .thenNothingHappens();
    });
  });

  describe('when the last connection closed and the user is still online (grace period)', () => {
    const lastClosed = [connectionOpened('tab-1'), wentOnline(), connectionClosed('tab-1')];

    it('goes offline', () => {
      given(lastClosed).when(goOffline()).then([wentOffline()]);
    });

    it('reconnects without going online again, as on a page reload', () => {
      given(lastClosed)
        .when(openConnection('tab-2'))
        .then([connectionOpened('tab-2')]);
    });

    it('ignores closing the closed connection again', () => {
      given(lastClosed).when(closeConnection('tab-1')).thenNothingHappens();
    });
  });

  describe('when the user went offline', () => {
    const offline = [connectionOpened('tab-1'), wentOnline(), connectionClosed('tab-1'), wentOffline()];

    it('ignores a second go-offline', () => {
      given(offline).when(goOffline()).thenNothingHappens();
    });

    it('comes online again with a new connection', () => {
      given(offline)
        .when(openConnection('tab-2'))
        .then([connectionOpened('tab-2'), wentOnline()]);
    });
  });

  it('names the stream after the user id', () => {
    expect(presenceStream('u-alice')).toBe('presence-u-alice');
  });
});
