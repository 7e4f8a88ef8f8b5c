import { createHmac, timingSafeEqual } from 'node:crypto';
import { TokenSigner } from '../application/ports/token-signer.port';

/** `<sessionId>`, optionally `:<tokenId>` and `:<issued, base 36 seconds>` */
const SUBJECT = /^[0-9a-f-]{36}(:[0-9a-f-]{36}(:[0-9a-z]{1,10})?)?$/;

/** `<subject>.<HMAC-SHA256 of it, base64url>`, keyed with SECRET_KEY. */
export class HmacTokenSigner extends TokenSigner {
  constructor(private readonly secret: string) {
    super();
  }

  sign(sessionId: string): string {
    return `${sessionId}.${this.mac(sessionId)}`;
  }

  verify(token: string): string | null {
    if (typeof token !== 'string' || token.length > 200) return null;
    const dot = token.indexOf('.');
    if (dot < 0) return null;
    const sessionId = token.slice(0, dot);
    if (!SUBJECT.test(sessionId)) return null;
    const given = Buffer.from(token.slice(dot + 1));
    const expected = Buffer.from(this.mac(sessionId));
    return given.length === expected.length && timingSafeEqual(given, expected) ? sessionId : null;
  }

  private mac(sessionId: string): string {
    return createHmac('sha256', this.secret).update(`session:${sessionId}`).digest('base64url');
  }
}
