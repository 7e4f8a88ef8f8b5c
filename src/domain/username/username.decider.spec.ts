import { specFor } from '../../../test/support/decider-spec';
import {
  guestName,
  invisibleCharacterIn,
  normaliseUsername,
  usernameDecider,
  usernameStream,
  type CarryOverClaim,
  type ClaimUsername,
  type UsernameClaimed,
} from './username.decider';

const given = specFor(usernameDecider);

const claimUsername = (userId: string, username = 'Guest1'): ClaimUsername => ({ type: 'ClaimUsername', data: { username, userId } });
const usernameClaimed = (userId: string, username = 'Guest1'): UsernameClaimed => ({ type: 'UsernameClaimed', data: { username, userId } });

describe('username decider', () => {
  describe('when the name is free', () => {
    it('lets a user claim it', () => {
      given([])
        .when(claimUsername('u-alice'))
        .then([usernameClaimed('u-alice')]);
    });
  });

  describe('when alice claimed the name', () => {
    const claimed = [usernameClaimed('u-alice')];

    it('keeps her as its owner, under the spelling she claimed', () => {
      expect(claimed.reduce(usernameDecider.evolve, usernameDecider.initialState())).toEqual({
        status: 'Claimed',
        userId: 'u-alice',
        username: 'Guest1',
      });
    });

    it('treats her claiming it again as a no-op', () => {
      given(claimed).when(claimUsername('u-alice')).thenNothingHappens();
    });

    it('refuses it to anyone else', () => {
      given(claimed).when(claimUsername('u-bob')).thenFailsWith('name_taken');
    });

    it('refuses a look-alike spelling to anyone else, since it lands on the same stream (the key is the same)', () => {
      given(claimed).when(claimUsername('u-bob', 'ｇｕｅｓｔ１')).thenFailsWith('name_taken');
    });
  });

  describe("a claim from before names compared by their skeleton, carried over to its key's stream", () => {
    const carryOver = (userId: string, username = 'Guest1'): CarryOverClaim => ({ type: 'CarryOverClaim', data: { username, userId } });

    it('claims the stream when it is free, for the user who claimed the name then', () => {
      given([])
        .when(carryOver('u-alice'))
        .then([usernameClaimed('u-alice')]);
    });

    it('leaves a stream already claimed as it is, by anyone', () => {
      given([usernameClaimed('u-alice')])
        .when(carryOver('u-alice'))
        .thenNothingHappens();
      given([usernameClaimed('u-bob', 'guestl')])
        .when(carryOver('u-alice'))
        .thenNothingHappens();
    });

    it('does not check the characters again: the name was accepted then', () => {
      given([])
        .when(carryOver('u-alice', 'alice\u3164'))
        .then([usernameClaimed('u-alice', 'alice\u3164')]);
    });
  });

  describe('invisible and control characters', () => {
    it.each([
      ['a Hangul filler', 'alice\u3164'],
      ['a zero-width space', 'al\u200Bice'],
      ['a byte order mark', '\uFEFFalice'],
      ['a soft hyphen', 'ali\u00ADce'],
      ['a variation selector', 'alice\uFE0F'],
      ['a bidi override', '\u202Eecila'],
      ['a bidi isolate', 'alice\u2066'],
      ['a control character', 'alice\u0007'],
      ['a line separator', 'alice\u2028'],
    ])('refuses a name with %s', (_, username) => {
      given([]).when(claimUsername('u-bob', username)).thenFailsWith('invalid_name');
      expect(invisibleCharacterIn(username)).toMatch(/invisible or control characters \(U\+[0-9A-F]{4}\)/);
    });

    it('accepts letters of any script, digits and accents', () => {
      for (const username of ['alice', 'Zoë', 'Zoe\u0308', 'Ζωή', 'Алиса', '李小龍', 'Guest1234', 'ａｌｉｃｅ', 'a.b-c_d'])
        expect(invisibleCharacterIn(username)).toBeUndefined();
    });
  });

  describe('name normalisation', () => {
    it('compares names case-insensitively', () => {
      expect(normaliseUsername('GuEsT1')).toBe('guest1');
      expect(normaliseUsername('ALICE')).toBe(normaliseUsername('alice'));
    });

    it('folds compatibility look-alikes (NFKC)', () => {
      expect(normaliseUsername('Ｇｕｅｓｔ１')).toBe('guest1');
      expect(normaliseUsername('ﬁona')).toBe('fiona');
    });

    it('keeps different names apart', () => {
      expect(normaliseUsername('guest1')).not.toBe(normaliseUsername('guest2'));
    });

    it('names the lock stream after the name key', () => {
      expect(usernameStream('guestl')).toBe('username-guestl');
    });
  });

  it('builds guest names from digits', () => {
    expect(guestName('4821')).toBe('Guest4821');
  });
});
