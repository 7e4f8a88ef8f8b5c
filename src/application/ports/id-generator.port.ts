export abstract class IdGenerator {
  /** A globally unique id (UUID). */
  abstract id(): string;
  /** `length` random decimal digits, for guest names. */
  abstract digits(length: number): string;
}
