/** Signs a subject (`<sessionId>:<tokenId>`) into a token a client can hold, and verifies it. */
export abstract class TokenSigner {
  abstract sign(subject: string): string;
  /** The subject, or null when the token is malformed, forged or tampered with. */
  abstract verify(token: string): string | null;
}

/** A token names its session and itself, so one token can be revoked (signing out) without the others. */
export const tokenSubject = (sessionId: string, tokenId: string): string => `${sessionId}:${tokenId}`;

export const parseTokenSubject = (subject: string): { sessionId: string; tokenId: string } => {
  const [sessionId = '', tokenId = ''] = subject.split(':');
  return { sessionId, tokenId };
};
