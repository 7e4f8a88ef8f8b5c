import { specFor } from '../../../test/support/decider-spec';
import {
  guestName,
  normaliseUsername,
  usernameDecider,
  usernameStream,
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

    it('treats her claiming it again as a no-op', () => {
      given(claimed).when(claimUsername('u-alice')).thenNothingHappens();
    });

    it('refuses it to anyone else', () => {
      given(claimed).when(claimUsername('u-bob')).thenFailsWith('name_taken');
    });

    it('refuses a look-alike spelling to anyone else, since it lands on the same stream', () => {
      expect(usernameStream('ｇｕｅｓｔ１')).toBe(usernameStream('Guest1'));
      given(claimed).when(claimUsername('u-bob', 'ｇｕｅｓｔ１')).thenFailsWith('name_taken');
    });
  });

  describe('name normalisation', () => {
    it('compares names case-insensitively', () => {
      expect(normaliseUsername('GuEsT1')).toBe('guest1');
      expect(usernameStream('ALICE')).toBe(usernameStream('alice'));
    });

    it('folds compatibility look-alikes (NFKC)', () => {
      expect(normaliseUsername('Ｇｕｅｓｔ１')).toBe('guest1');
      expect(normaliseUsername('ﬁona')).toBe('fiona');
    });

    it('keeps different names apart', () => {
      expect(usernameStream('guest1')).not.toBe(usernameStream('guest2'));
    });

    it('names the stream after the normalised name', () => {
      expect(usernameStream('Ｇｕｅｓｔ１')).toBe('username-guest1');
    });
  });

  it('builds guest names from digits', () => {
    expect(guestName('4821')).toBe('Guest4821');
  });
});
