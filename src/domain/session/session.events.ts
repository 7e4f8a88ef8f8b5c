/** Facts of a session stream (`session-<id>`): one identity across reconnects and tabs. */
export type SessionStarted = {
  type: 'SessionStarted';
  data: { sessionId: string; username: string; kind: 'guest' };
};

export type PrivateMessageSent = {
  type: 'PrivateMessageSent';
  data: {
    messageId: string;
    fromUserId: string;
    from: string;
    toUserId: string;
    to: string;
    text: string;
    clientId?: string;
  };
};

export type SessionEvent = SessionStarted | PrivateMessageSent;
