export type StartSession = {
  type: 'StartSession';
  data: { sessionId: string; username: string };
};

export type SendPrivateMessage = {
  type: 'SendPrivateMessage';
  data: {
    sessionId: string;
    messageId: string;
    text: string;
    clientId?: string;
    /** The recipient as found among online users, or null when nobody by that name is online. */
    target: { userId: string; username: string; name: string } | { userId: null; name: string };
  };
};

export type SessionCommand = StartSession | SendPrivateMessage;
