/**
 * The key names are compared by: two names with the same key are the same name, so a claim of one refuses the
 * other. It is the Unicode confusable skeleton (UTS #39) of the NFKC-lowercased name.
 */
export abstract class NameKey {
  abstract key(username: string): string;
}
