import { MAX_MENTIONS, mentionedNames, mentions } from './mentions';

describe('mentions', () => {
  it('finds @names, lowercased, each once, in order', () => {
    expect(mentionedNames('@Ada and @linus, then @ada again')).toEqual(['ada', 'linus']);
    expect(mentionedNames('hi @Guest1234!')).toEqual(['guest1234']);
    expect(mentionedNames('(@zoë) says')).toEqual(['zoë']);
  });

  it('does not count an @ inside a word, a name too short, or the dot that ends a sentence', () => {
    expect(mentionedNames('mail ada@example.com')).toEqual([]);
    expect(mentionedNames('@ab is too short')).toEqual([]);
    expect(mentionedNames('thanks @ada.')).toEqual(['ada']);
    expect(mentionedNames('no at sign')).toEqual([]);
    expect(mentionedNames('@')).toEqual([]);
  });

  it('stops after a few names', () => {
    const many = Array.from({ length: 50 }, (_, i) => `@user${i}`).join(' ');
    expect(mentionedNames(many)).toHaveLength(MAX_MENTIONS);
  });

  it('tells whether a text mentions a user, whatever the case', () => {
    expect(mentions('ping @ADA', 'Ada')).toBe(true);
    expect(mentions('ping @adam', 'Ada')).toBe(false);
  });
});
