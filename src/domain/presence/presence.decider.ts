import { assertNever, type Decider } from '../shared/decider';
import type { GoOffline, GoOnline, PresenceCommand } from './presence.commands';
import type { PresenceEvent } from './presence.events';

/**
 * Online or offline, and under which name. Whether the user still has a connection somewhere is not
 * decided here: the application asks the `ConnectionRegistry` before it sends `GoOffline`.
 */
export type Presence = {
  readonly online: boolean;
  readonly username: string;
};

export const initialState = (): Presence => ({ online: false, username: '' });

export const evolve = (presence: Presence, event: PresenceEvent): Presence => {
  switch (event.type) {
    case 'UserWentOnline':
      return { online: true, username: event.data.username };
    case 'UserWentOffline':
      return { ...presence, online: false };
    // Old logs: connections were facts once; online and offline were always decided by the two events above.
    case 'ConnectionOpened':
    case 'ConnectionClosed':
      return presence;
    default:
      return assertNever(event);
  }
};

const goOnline = (command: GoOnline, presence: Presence): PresenceEvent[] =>
  presence.online ? [] : [{ type: 'UserWentOnline', data: { userId: command.data.userId, username: command.data.username } }];

const goOffline = (command: GoOffline, presence: Presence): PresenceEvent[] =>
  presence.online ? [{ type: 'UserWentOffline', data: { userId: command.data.userId, username: presence.username } }] : [];

export const decide = (command: PresenceCommand, presence: Presence): PresenceEvent[] => {
  switch (command.type) {
    case 'GoOnline':
      return goOnline(command, presence);
    case 'GoOffline':
      return goOffline(command, presence);
    default:
      return assertNever(command);
  }
};

export const presenceDecider: Decider<Presence, PresenceCommand, PresenceEvent> = {
  decide,
  evolve,
  initialState,
  snapshotSchema: 'presence/2',
};

export const presenceStream = (userId: string): string => `presence-${userId}`;
