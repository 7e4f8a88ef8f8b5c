import { randomFillSync, randomInt, randomUUID } from 'node:crypto';
import { IdGenerator } from '../application/ports/id-generator.port';

/** Random bytes for `orderedId`, drawn 4 kB at a time. */
const POOL_BYTES = 4096;

export class RandomIdGenerator extends IdGenerator {
  private readonly pool = Buffer.alloc(POOL_BYTES);
  private poolAt = POOL_BYTES;
  private lastMs = 0;
  private sequence = 0;

  /**
   * `randomUUID()` builds its text piece by piece: a tree of a dozen string parts (≈400 bytes) for
   * as long as the id lives, and ids live long (in sockets, states, maps). Copied once into one
   * flat string (≈60 bytes).
   */
  id(): string {
    return Buffer.from(randomUUID(), 'latin1').toString('latin1');
  }

  /**
   * A version 7 UUID (RFC 9562): the milliseconds since 1970 in its first 48 bits, then a 12-bit
   * sequence that orders the ids made here within one millisecond, then 62 random bits (which keep
   * ids of different nodes apart). Ids made here later sort after, as text too, so an index over
   * them grows at its end instead of touching a page at random for each one.
   */
  orderedId(): string {
    let ms = Date.now();
    if (ms > this.lastMs) {
      this.sequence = 0;
    } else {
      ms = this.lastMs;
      if (++this.sequence > 0xfff) {
        ms++;
        this.sequence = 0;
      }
    }
    this.lastMs = ms;
    if (this.poolAt + 8 > POOL_BYTES) {
      randomFillSync(this.pool);
      this.poolAt = 0;
    }
    const random = this.pool.toString('hex', this.poolAt, this.poolAt + 8);
    this.poolAt += 8;
    const time = ms.toString(16).padStart(12, '0');
    const variant = (8 | (parseInt(random[0]!, 16) & 3)).toString(16);
    const text = `${time.slice(0, 8)}-${time.slice(8)}-7${this.sequence.toString(16).padStart(3, '0')}-${variant}${random.slice(1, 4)}-${random.slice(4)}`;
    return Buffer.from(text, 'latin1').toString('latin1');
  }

  digits(length: number): string {
    let digits = '';
    for (let i = 0; i < length; i++) digits += randomInt(10).toString();
    return digits;
  }
}
