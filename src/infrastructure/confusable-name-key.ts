import unhomoglyph from 'unhomoglyph';
import { NameKey } from '../application/ports/name-key.port';
import { normaliseUsername } from '../domain/username/username.decider';

/**
 * skeleton(NFKC(name).toLowerCase()), with UTS #39's skeleton: NFD, each character replaced by its prototype
 * from the Unicode confusables data (`confusables.txt`, shipped by `unhomoglyph`), NFD again. `Alice`,
 * `аlice` (Cyrillic а) and `ａｌｉｃｅ` share a key, and so do `guest1` and `guestl` (1 and l are confusable).
 * Lowercasing comes first, since names compare case-insensitively: so `aIice` is `aiice`, not `alice`.
 */
export class ConfusableNameKey extends NameKey {
  key(username: string): string {
    return unhomoglyph(normaliseUsername(username).normalize('NFD')).normalize('NFD');
  }
}
