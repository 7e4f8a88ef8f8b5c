export type OpenConnection = {
  type: 'OpenConnection';
  data: { userId: string; username: string; connectionId: string; node: string };
};

export type CloseConnection = {
  type: 'CloseConnection';
  data: { userId: string; connectionId: string };
};

/** Sent once the grace period after the last connection closed is over. */
export type GoOffline = {
  type: 'GoOffline';
  data: { userId: string };
};

export type PresenceCommand = OpenConnection | CloseConnection | GoOffline;
