/** A connection of the user was registered and they are not online yet: they come online. */
export type GoOnline = {
  type: 'GoOnline';
  data: { userId: string; username: string };
};

/** Sent once the grace period after the user's last connection closed is over, and no connection came back anywhere. */
export type GoOffline = {
  type: 'GoOffline';
  data: { userId: string };
};

export type PresenceCommand = GoOnline | GoOffline;
