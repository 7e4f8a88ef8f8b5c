import type { PrivateHistory } from '../../application/private-history';
import type { Server } from 'socket.io';
import type { AppConfig } from '../../application/ports/app-config';
import type { RecordedEvent } from '../../application/ports/event-store.port';
import type { RoomsReadModel } from '../../application/read-models/rooms.read-model';
import { UsersReadModel } from '../../application/read-models/users.read-model';
import { ConfusableNameKey } from '../../infrastructure/confusable-name-key';
import type { DomainEvent } from '../../domain/events';
import type { Metrics } from '../metrics';
import type { UnreadCounts } from '../../application/unread-counts';
import type { QueryBus } from '@nestjs/cqrs';
import { SocketIoNotifier } from './socket-io.notifier';
import type { TypingTracker } from './typing';
import type { RoomNotices } from './room-notices';
import { PushWindow } from './push-window';
import type { TurnWrites } from './turn-writes';

describe('SocketIoNotifier presence', () => {
  let users: UsersReadModel;
  let notifier: SocketIoNotifier;
  let window: PushWindow;
  let emits: { room: string; event: string; payload: unknown }[];
  let position = 0;

  /** As the ProjectionRunner does: the read model first, then the notifier. */
  const happen = (event: DomainEvent): void => {
    position++;
    const recorded = {
      ...event,
      streamId: 'stream',
      version: position,
      position,
      metadata: { eventId: `e${position}`, occurredAt: new Date(0).toISOString(), correlationId: 'c', causationId: 'c', node: 'n' },
    } as RecordedEvent;
    users.apply(recorded);
    notifier.publish(recorded);
  };
  const online = (userId: string, username: string): void => happen({ type: 'UserWentOnline', data: { userId, username } });
  const offline = (userId: string, username: string): void => happen({ type: 'UserWentOffline', data: { userId, username } });
  const windowEnds = (): void => {
    jest.advanceTimersByTime(50);
  };
  const sent = (event: string): unknown[] => emits.filter((emit) => emit.event === event).map((emit) => emit.payload);

  beforeEach(() => {
    jest.useFakeTimers();
    users = new UsersReadModel(new ConfusableNameKey(), { historyWindow: 200 } as AppConfig);
    emits = [];
    const server = {
      to: (room: string) => ({ emit: (event: string, payload: unknown) => emits.push({ room, event, payload }) }),
    } as unknown as Server;
    const metrics = { eventsAppended: { inc: () => undefined } } as unknown as Metrics;
    const typing = { attach: () => undefined } as unknown as TypingTracker;
    notifier = new SocketIoNotifier(
      users,
      {} as RoomsReadModel,
      metrics,
      typing,
      {} as UnreadCounts,
      {} as QueryBus,
      {} as PrivateHistory,
      {
        attach: () => undefined,
      } as unknown as RoomNotices,
      (window = new PushWindow()),
      { hold: () => undefined, holdSockets: () => undefined } as unknown as TurnWrites,
    );
    notifier.attach(server);
  });

  afterEach(() => {
    window.onApplicationShutdown();
    jest.useRealTimers();
  });

  it('sends one active_users to presence:list and one presence_diff to presence:diff per window', () => {
    online('u1', 'Ann');
    online('u2', 'Ben');
    expect(emits).toEqual([]);
    windowEnds();
    expect(emits).toEqual([
      { room: 'presence:list', event: 'active_users', payload: { users: ['Ann', 'Ben'] } },
      { room: 'presence:diff', event: 'presence_diff', payload: { joined: ['Ann', 'Ben'], left: [] } },
    ]);

    emits = [];
    offline('u1', 'Ann');
    online('u3', 'Cy');
    windowEnds();
    expect(emits).toEqual([
      { room: 'presence:list', event: 'active_users', payload: { users: ['Ben', 'Cy'] } },
      { room: 'presence:diff', event: 'presence_diff', payload: { joined: ['Cy'], left: ['Ann'] } },
    ]);
  });

  it('nets out a user who went offline and came back within the window (active_users still goes out)', () => {
    online('u1', 'Ann');
    windowEnds();
    emits = [];
    offline('u1', 'Ann');
    online('u1', 'Ann');
    online('u2', 'Ben');
    offline('u2', 'Ben');
    windowEnds();
    expect(sent('presence_diff')).toEqual([]);
    expect(sent('active_users')).toEqual([{ users: ['Ann'] }]);
  });

  it('shows a registration as left under the old name and joined under the new one', () => {
    online('u1', 'Guest1');
    windowEnds();
    emits = [];
    happen({ type: 'AccountRegistered', data: { sessionId: 'u1', username: 'Ada', previousUsername: 'Guest1', passwordHash: 'x' } });
    windowEnds();
    expect(sent('presence_diff')).toEqual([{ joined: ['Ada'], left: ['Guest1'] }]);
    expect(sent('active_users')).toEqual([{ users: ['Ada'] }]);
  });

  it('has a registered user go offline under the new name, and one identified before registering come online under it', () => {
    happen({ type: 'SessionStarted', data: { sessionId: 'u1', username: 'Guest1', kind: 'guest' } });
    online('u1', 'Guest1');
    windowEnds();
    happen({ type: 'AccountRegistered', data: { sessionId: 'u1', username: 'Ada', previousUsername: 'Guest1', passwordHash: 'x' } });
    windowEnds();
    emits = [];
    // The presence stream still knows the user by the name they came online under.
    offline('u1', 'Guest1');
    windowEnds();
    expect(sent('presence_diff')).toEqual([{ joined: [], left: ['Ada'] }]);
    expect(sent('active_users')).toEqual([{ users: [] }]);

    emits = [];
    online('u1', 'Guest1');
    windowEnds();
    expect(sent('presence_diff')).toEqual([{ joined: ['Ada'], left: [] }]);
    expect(sent('active_users')).toEqual([{ users: ['Ada'] }]);
  });

  it('does not announce a registration of a user who is offline', () => {
    happen({ type: 'AccountRegistered', data: { sessionId: 'u1', username: 'Ada', previousUsername: 'Guest1', passwordHash: 'x' } });
    windowEnds();
    expect(sent('active_users')).toEqual([]);
    expect(sent('presence_diff')).toEqual([]);
  });

  it('announces a name given up and taken by someone else in the same window as the set it ends with', () => {
    online('u1', 'Guest1');
    windowEnds();
    emits = [];
    happen({ type: 'AccountRegistered', data: { sessionId: 'u1', username: 'Ada', previousUsername: 'Guest1', passwordHash: 'x' } });
    online('u2', 'Guest1');
    windowEnds();
    expect(sent('presence_diff')).toEqual([{ joined: ['Ada'], left: [] }]);
    expect(sent('active_users')).toEqual([{ users: ['Ada', 'Guest1'] }]);
  });
});
