/** Signs a subject (`<sessionId>:<tokenId>:<issued>`) into a token a client can hold, and verifies it. */
export abstract class TokenSigner {
  abstract sign(subject: string): string;
  /** The subject, or null when the token is malformed, forged or tampered with. */
  abstract verify(token: string): string | null;
}

/**
 * A token names its session, itself (so one token can be signed out without the others) and when
 * it was issued (so it expires).
 */
export const tokenSubject = (sessionId: string, tokenId: string, issuedAt: Date): string =>
  `${sessionId}:${tokenId}:${Math.floor(issuedAt.getTime() / 1000).toString(36)}`;

export const parseTokenSubject = (subject: string): { sessionId: string; tokenId: string; issuedAt: Date | undefined } => {
  const [sessionId = '', tokenId = '', issued] = subject.split(':');
  return { sessionId, tokenId, issuedAt: issued === undefined ? undefined : new Date(parseInt(issued, 36) * 1000) };
};
