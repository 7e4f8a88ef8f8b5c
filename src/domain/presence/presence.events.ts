/** Facts of a presence stream (`presence-<userId>`): a user is online while any connection lives. */
export type ConnectionOpened = {
  type: 'ConnectionOpened';
  data: { userId: string; username: string; connectionId: string; node: string };
};

export type ConnectionClosed = {
  type: 'ConnectionClosed';
  /** `remaining`: the user's connections still open; 0 starts the grace period. */
  data: { userId: string; connectionId: string; remaining: number };
};

export type UserWentOnline = {
  type: 'UserWentOnline';
  data: { userId: string; username: string };
};

export type UserWentOffline = {
  type: 'UserWentOffline';
  data: { userId: string; username: string };
};

export type PresenceEvent = ConnectionOpened | ConnectionClosed | UserWentOnline | UserWentOffline;
