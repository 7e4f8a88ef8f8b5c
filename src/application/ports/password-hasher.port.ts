/** A slow, salted key-derivation function for passwords. */
export abstract class PasswordHasher {
  abstract hash(password: string): Promise<string>;
  abstract verify(password: string, hash: string): Promise<boolean>;
  /** Costs as much as a real verification, for unknown users, so timing does not tell them apart. */
  abstract verifyNothing(password: string): Promise<false>;
}
