import { normaliseEmoji, parseEmoji } from './emoji';

describe('emoji', () => {
  it('spells an emoji one way, with or without U+FE0F', () => {
    expect(normaliseEmoji('\u2764')).toBe('\u2764\ufe0f'); // ❤ → ❤️
    expect(normaliseEmoji('\u2764\ufe0f')).toBe('\u2764\ufe0f');
    expect(normaliseEmoji('\u2764\ufe0f\ufe0f')).toBe('\u2764\ufe0f');
    expect(normaliseEmoji('1\u20e3')).toBe('1\ufe0f\u20e3'); // keycap one
    expect(normaliseEmoji('\u261d\u{1f3fb}')).toBe('\u261d\u{1f3fb}'); // ☝ with a skin tone takes no selector
  });

  it('leaves emoji that are emoji anyway, and sequences, as they are', () => {
    for (const emoji of ['👍', '🎉', '👩‍👩‍👧', '🇫🇷', '👍🏽']) expect(normaliseEmoji(emoji)).toBe(emoji);
    expect(normaliseEmoji('👍\ufe0f')).toBe('👍');
  });

  it('parses to the one spelling, and refuses text', () => {
    expect(parseEmoji('\u2764')).toBe(parseEmoji('\u2764\ufe0f'));
    expect(() => parseEmoji('a')).toThrow('single emoji');
  });
});
