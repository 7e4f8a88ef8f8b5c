/** Names in mentions are those a user can have: letters, digits, `_`, `.`, `-`, 3 to 32 of them. */
const MENTION = /(?<![\p{L}\p{N}_])@([\p{L}\p{N}_.-]{3,32})/gu;
/** A message names at most this many people: a wall of mentions notifies no more. */
export const MAX_MENTIONS = 10;

/**
 * The names `@`-mentioned in a text, lowercased, each once, in order: `@name` not inside a word (an
 * e-mail address mentions nobody), without the `.` or `-` that ends a sentence.
 */
export const mentionedNames = (text: string): string[] => {
  if (!text.includes('@')) return [];
  const names = new Set<string>();
  for (const match of text.matchAll(MENTION)) {
    const name = match[1]!.replace(/[.-]+$/u, '').toLowerCase();
    if (name.length >= 3) names.add(name);
    if (names.size === MAX_MENTIONS) break;
  }
  return [...names];
};

/** Whether `text` mentions `username` (case-insensitive). */
export const mentions = (text: string, username: string): boolean => mentionedNames(text).includes(username.toLowerCase());
