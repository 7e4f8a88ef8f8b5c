import { randomInt, randomUUID } from 'node:crypto';
import { IdGenerator } from '../application/ports/id-generator.port';

export class RandomIdGenerator extends IdGenerator {
  id(): string {
    return randomUUID();
  }

  digits(length: number): string {
    let digits = '';
    for (let i = 0; i < length; i++) digits += randomInt(10).toString();
    return digits;
  }
}
