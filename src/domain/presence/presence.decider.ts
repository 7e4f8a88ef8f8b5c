import { assertNever, type Decider } from '../shared/decider';
import type { CloseConnection, GoOffline, OpenConnection, PresenceCommand } from './presence.commands';
import type { PresenceEvent } from './presence.events';

export type Presence = {
  readonly online: boolean;
  readonly username: string;
  /** connection id → node that holds it */
  readonly connections: ReadonlyMap<string, string>;
};

export const initialState = (): Presence => ({ online: false, username: '', connections: new Map() });

export const evolve = (presence: Presence, event: PresenceEvent): Presence => {
  switch (event.type) {
    case 'ConnectionOpened': {
      const connections = new Map(presence.connections);
      connections.set(event.data.connectionId, event.data.node);
      return { ...presence, username: event.data.username, connections };
    }
    case 'ConnectionClosed': {
      const connections = new Map(presence.connections);
      connections.delete(event.data.connectionId);
      return { ...presence, connections };
    }
    case 'UserWentOnline':
      return { ...presence, online: true, username: event.data.username };
    case 'UserWentOffline':
      return { ...presence, online: false };
    default:
      return assertNever(event);
  }
};

const openConnection = (command: OpenConnection, presence: Presence): PresenceEvent[] => {
  if (presence.connections.has(command.data.connectionId)) return [];
  const opened: PresenceEvent = { type: 'ConnectionOpened', data: { ...command.data } };
  if (presence.online) return [opened];
  return [opened, { type: 'UserWentOnline', data: { userId: command.data.userId, username: command.data.username } }];
};

const closeConnection = (command: CloseConnection, presence: Presence): PresenceEvent[] => {
  if (!presence.connections.has(command.data.connectionId)) return [];
  return [{ type: 'ConnectionClosed', data: { ...command.data, remaining: presence.connections.size - 1 } }];
};

const goOffline = (command: GoOffline, presence: Presence): PresenceEvent[] => {
  if (!presence.online || presence.connections.size > 0) return [];
  return [{ type: 'UserWentOffline', data: { userId: command.data.userId, username: presence.username } }];
};

export const decide = (command: PresenceCommand, presence: Presence): PresenceEvent[] => {
  switch (command.type) {
    case 'OpenConnection':
      return openConnection(command, presence);
    case 'CloseConnection':
      return closeConnection(command, presence);
    case 'GoOffline':
      return goOffline(command, presence);
    default:
      return assertNever(command);
  }
};

export const presenceDecider: Decider<Presence, PresenceCommand, PresenceEvent> = { decide, evolve, initialState };

export const presenceStream = (userId: string): string => `presence-${userId}`;
