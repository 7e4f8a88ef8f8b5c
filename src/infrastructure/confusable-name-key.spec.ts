import { ConfusableNameKey } from './confusable-name-key';

describe('the name key (confusable skeleton of the NFKC-lowercased name)', () => {
  const names = new ConfusableNameKey();
  const same = (a: string, b: string) => expect(names.key(a)).toBe(names.key(b));
  const apart = (a: string, b: string) => expect(names.key(a)).not.toBe(names.key(b));

  it('compares names case-insensitively', () => {
    same('alice', 'Alice');
    same('alice', 'ALICE');
    same('GuEsT1', 'guest1');
  });

  it('folds compatibility forms (NFKC)', () => {
    same('alice', 'ａｌｉｃｅ');
    same('Guest1', 'Ｇｕｅｓｔ１');
    same('fiona', 'ﬁona');
  });

  it('folds letters of other scripts that look the same (UTS #39 confusables)', () => {
    same('alice', '\u0430lice'); // Cyrillic а
    same('Guest1234', 'Gu\u0435st1234'); // Cyrillic е
    same('paypal', '\u0440\u0430yp\u0430l'); // Cyrillic р and а
    same('omega', '\u03bfmega'); // Greek ο
  });

  it('folds look-alike sequences the confusables data lists', () => {
    same('guest1', 'guestl'); // 1 and l
    same('modern', 'rnodern'); // m and rn
  });

  it('compares precomposed and decomposed accents alike', () => {
    same('Zo\u00eb', 'Zoe\u0308');
    apart('Zo\u00eb', 'Zoe');
  });

  it('lowercases before the skeleton, so a capital I is an i (not the l it resembles)', () => {
    // The confusables data maps I to l, but the comparison is case-insensitive, so the key lowercases first.
    same('aIice', 'aiice');
  });

  it('keeps different names apart', () => {
    apart('guest1', 'guest2');
    apart('alice', 'alicia');
    apart('ada', 'adam');
  });
});
