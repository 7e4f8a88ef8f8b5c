import { randomInt, randomUUID } from 'node:crypto';
import { IdGenerator } from '../application/ports/id-generator.port';

export class RandomIdGenerator extends IdGenerator {
  /**
   * `randomUUID()` builds its text piece by piece: a tree of a dozen string parts (≈400 bytes) for
   * as long as the id lives, and ids live long (in sockets, states, maps). Copied once into one
   * flat string (≈60 bytes).
   */
  id(): string {
    return Buffer.from(randomUUID(), 'latin1').toString('latin1');
  }

  digits(length: number): string {
    let digits = '';
    for (let i = 0; i < length; i++) digits += randomInt(10).toString();
    return digits;
  }
}
