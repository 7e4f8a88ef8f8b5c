export abstract class IdGenerator {
  /** A globally unique id (UUID). */
  abstract id(): string;
  /** A globally unique id (UUID) that sorts after every id made here before it: for messages, whose index then grows at its end. */
  abstract orderedId(): string;
  /** `length` random decimal digits, for guest names. */
  abstract digits(length: number): string;
}
