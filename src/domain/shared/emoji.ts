import { DomainError } from './domain-error';

const EMOJI = /^(?:\p{Extended_Pictographic}|\p{Emoji_Component}|\u200d|\ufe0f){1,32}$/u;
const PICTURE = /[\p{Extended_Pictographic}\p{Regional_Indicator}]/u;

const VS16 = '\ufe0f';
const TEXT_DEFAULT = /^\p{Extended_Pictographic}$/u;
const EMOJI_DEFAULT = /^\p{Emoji_Presentation}$/u;
const MODIFIER = /^\p{Emoji_Modifier}$/u;
const KEYCAP_BASE = /^[0-9#*]$/u;

/**
 * One spelling per emoji, with or without U+FE0F (the emoji presentation selector): the selector
 * after each character that is shown as text unless asked (❤ → ❤️, and keycaps 1⃣ → 1️⃣), and nowhere
 * else (not before a skin tone, not after a character that is an emoji anyway). So "❤" and "❤️"
 * are one reaction.
 */
export const normaliseEmoji = (raw: string): string => {
  const chars = [...raw.replaceAll(VS16, '')];
  let out = '';
  chars.forEach((char, i) => {
    out += char;
    const next = chars[i + 1];
    const textByDefault = TEXT_DEFAULT.test(char) && !EMOJI_DEFAULT.test(char);
    if ((textByDefault && (next === undefined || !MODIFIER.test(next))) || (KEYCAP_BASE.test(char) && next === '\u20e3')) out += VS16;
  });
  return out;
};

/** One emoji (possibly a sequence such as a flag or a family), not text; in its one spelling (`normaliseEmoji`). */
export const parseEmoji = (raw: string): string => {
  if (!EMOJI.test(raw) || !PICTURE.test(raw)) throw new DomainError('invalid_emoji', 'A reaction is a single emoji');
  return normaliseEmoji(raw);
};
