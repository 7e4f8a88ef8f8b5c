import type { DomainEvent } from '../../domain/events';
import type { AppConfig } from '../ports/app-config';
import { NameKey } from '../ports/name-key.port';
import type { RecordedEvent } from '../ports/event-store.port';
import { RECENT_REGISTRATIONS, UsersReadModel } from './users.read-model';

describe('UsersReadModel', () => {
  let users: UsersReadModel;
  let position = 0;
  /** The confusable skeleton (the adapter's, from Unicode data) as far as these names need it: ѕ → s, 1 → l, m → rn. */
  const names = new (class extends NameKey {
    key(username: string): string {
      return username
        .normalize('NFKC')
        .toLowerCase()
        .replace(/\u0455/g, 's')
        .replace(/1/g, 'l')
        .replace(/m/g, 'rn');
    }
  })();

  const happen = (streamId: string, event: DomainEvent): void => {
    position++;
    users.apply({
      ...event,
      streamId,
      version: 1,
      position,
      metadata: { eventId: `e${position}`, occurredAt: new Date(0).toISOString(), correlationId: 'c', causationId: 'c', node: 'n' },
    } as RecordedEvent);
  };
  const sizes = (): Record<string, number> =>
    Object.fromEntries(Object.entries(users.exportState() as Record<string, Map<unknown, unknown>>).map(([name, map]) => [name, map.size]));

  beforeEach(() => {
    users = new UsersReadModel(names, { historyWindow: 200 } as AppConfig);
  });

  it('keeps nothing of sessions that are not online: starts, registrations aside, sign-outs, claims on their key stream', () => {
    for (let i = 0; i < 100; i++) {
      const sessionId = `u${i}`;
      const username = `Guest${1000 + i}`;
      happen(`username-${names.key(username)}`, { type: 'UsernameClaimed', data: { username, userId: sessionId } });
      happen(`session-${sessionId}`, { type: 'SessionStarted', data: { sessionId, username, kind: 'guest' } });
      happen(`session-${sessionId}`, { type: 'SignedOut', data: { sessionId, tokenId: `t${i}` } });
      happen(`presence-${sessionId}`, { type: 'UserWentOnline', data: { userId: sessionId, username } });
      happen(`presence-${sessionId}`, { type: 'UserWentOffline', data: { userId: sessionId, username } });
    }
    expect(sizes()).toEqual({ online: 0, legacy: 0, registered: 0, conversations: 0 });
  });

  it('remembers only the last RECENT_REGISTRATIONS registrations', () => {
    for (let i = 0; i < RECENT_REGISTRATIONS + 10; i++) {
      happen(`session-u${i}`, {
        type: 'AccountRegistered',
        data: { sessionId: `u${i}`, username: `Name${i}`, previousUsername: `Guest${i}`, passwordHash: 'h' },
      });
    }
    expect(sizes().registered).toBe(RECENT_REGISTRATIONS);
  });

  it('holds a claim from before the skeleton key until a claim of its key is on the key stream; the first one of a key keeps it', () => {
    happen('username-guest1234', { type: 'UsernameClaimed', data: { username: 'Guest1234', userId: 'old-1' } });
    happen('username-gue\u0455t1234', { type: 'UsernameClaimed', data: { username: 'Gue\u0455t1234', userId: 'old-2' } });
    happen('username-mallory', { type: 'UsernameClaimed', data: { username: 'Mallory', userId: 'old-3' } });
    const guestKey = names.key('Guest1234');
    expect([guestKey, names.key('Gue\u0455t1234')]).toEqual(['guestl234', 'guestl234']);
    expect(users.legacyClaims()).toEqual([
      [guestKey, { userId: 'old-1', username: 'Guest1234' }],
      [names.key('Mallory'), { userId: 'old-3', username: 'Mallory' }],
    ]);

    // A claim on the key's own stream (carried over, or made since) answers for the key from then on.
    happen('username-guestl234', { type: 'UsernameClaimed', data: { username: 'Guest1234', userId: 'old-1' } });
    expect(users.legacyClaims()).toEqual([[names.key('Mallory'), { userId: 'old-3', username: 'Mallory' }]]);

    happen(`username-${names.key('Mallory')}`, { type: 'UsernameClaimed', data: { username: 'Mallory', userId: 'old-3' } });
    expect(users.legacyClaims()).toEqual([]);
    expect(users.legacyClaim(names.key('Mallory'))).toBeUndefined();
  });
});
