/**
 * Facts of a presence stream (`presence-<userId>`): a user went online, and offline. Which
 * connections a user has is not history: it lives in the `ConnectionRegistry` (application port).
 */
export type UserWentOnline = {
  type: 'UserWentOnline';
  data: { userId: string; username: string };
};

export type UserWentOffline = {
  type: 'UserWentOffline';
  data: { userId: string; username: string };
};

/** Written by servers that logged every connection; still read from old logs, never appended any more. */
export type ConnectionOpened = {
  type: 'ConnectionOpened';
  data: { userId: string; username: string; connectionId: string; node: string };
};

/**
 * Written by servers that logged every connection; still read from old logs, never appended any more.
 * `remaining`: the user's connections still open then (-1: not recorded).
 */
export type ConnectionClosed = {
  type: 'ConnectionClosed';
  data: { userId: string; connectionId: string; remaining: number };
};

export type PresenceEvent = UserWentOnline | UserWentOffline | ConnectionOpened | ConnectionClosed;
