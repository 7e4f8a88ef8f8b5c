import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { PasswordHasher } from '../application/ports/password-hasher.port';
import { RateLimitedError } from '../application/ports/rate-limiter.port';

/** OWASP's scrypt setting N=2^15, r=8, p=3 (about 32 MiB per hash), a 16-byte salt and a 32-byte key. */
const PARAMS = { N: 2 ** 15, r: 8, p: 3 };
const KEY_LENGTH = 32;

const derive = (password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const options: ScryptOptions = { ...params, maxmem: 128 * params.N * params.r * 2 };
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key)));
  });

/**
 * Each derivation takes a libuv thread (there are four, shared with file reads) for a tenth of a
 * second or more. At most PARALLEL run at once and QUEUED more wait; beyond that a request is refused
 * at once, so a flood of registrations cannot stall every sign-in and file read.
 */
const PARALLEL = 2;
const QUEUED = 16;
const RETRY_AFTER_MS = 1000;

class DerivationGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < PARALLEL) this.running++;
    else if (this.waiting.length < QUEUED) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else throw new RateLimitedError(RETRY_AFTER_MS, 'Too many passwords to check at once; try again in a moment');
    try {
      return await work();
    } finally {
      // Hand the slot to the next in line, or free it.
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.running--;
    }
  }
}

/** Hashes look like `scrypt$<N>$<r>$<p>$<salt base64url>$<key base64url>`. */
export class ScryptPasswordHasher extends PasswordHasher {
  private readonly decoy = randomBytes(16);
  private readonly gate = new DerivationGate();

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await this.gate.run(() => derive(password, salt, PARAMS));
    return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
  }

  async verify(password: string, hash: string): Promise<boolean> {
    const [scheme, n, r, p, salt, key] = hash.split('$');
    if (scheme !== 'scrypt' || salt === undefined || key === undefined) return false;
    const expected = Buffer.from(key, 'base64url');
    const actual = await this.gate.run(() =>
      derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) }),
    );
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  async verifyNothing(password: string): Promise<false> {
    await this.gate.run(() => derive(password, this.decoy, PARAMS));
    return false;
  }
}
