/** Signs session ids into tokens a client can hold, and verifies them. */
export abstract class TokenSigner {
  abstract sign(sessionId: string): string;
  /** The session id, or null when the token is malformed, forged or tampered with. */
  abstract verify(token: string): string | null;
}
