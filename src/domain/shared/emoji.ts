import { DomainError } from './domain-error';

const EMOJI = /^(?:\p{Extended_Pictographic}|\p{Emoji_Component}|\u200d|\ufe0f){1,32}$/u;
const PICTURE = /[\p{Extended_Pictographic}\p{Regional_Indicator}]/u;

/** One emoji (possibly a sequence such as a flag or a family), not text. */
export const parseEmoji = (raw: string): string => {
  if (!EMOJI.test(raw) || !PICTURE.test(raw)) throw new DomainError('invalid_emoji', 'A reaction is a single emoji');
  return raw;
};
