import { HmacTokenSigner } from './hmac-token-signer';

const SECRET = 'test-secret-key-0123456789abcdef';
const SESSION = '3f1c2a4e-8b7d-4c6a-9e0f-1a2b3c4d5e6f';
const OTHER_SESSION = '00000000-0000-4000-8000-000000000000';

const signer = new HmacTokenSigner(SECRET);

/** Replaces the character at `index` with one that differs from it. */
const flip = (text: string, index: number): string => {
  const at = index < 0 ? text.length + index : index;
  const replacement = text[at] === 'A' ? 'B' : 'A';
  return `${text.slice(0, at)}${replacement}${text.slice(at + 1)}`;
};

describe('HMAC token signer', () => {
  it('verifies a token it signed to the session id', () => {
    const token = signer.sign(SESSION);
    expect(token.startsWith(`${SESSION}.`)).toBe(true);
    expect(signer.verify(token)).toBe(SESSION);
  });

  it('verifies with another signer that has the same secret', () => {
    expect(new HmacTokenSigner(SECRET).verify(signer.sign(SESSION))).toBe(SESSION);
  });

  it('signs different sessions differently', () => {
    expect(signer.sign(SESSION).split('.')[1]).not.toBe(signer.sign(OTHER_SESSION).split('.')[1]);
  });

  it('refuses a token whose signature was tampered with', () => {
    const token = signer.sign(SESSION);
    expect(signer.verify(flip(token, -1))).toBeNull();
    expect(signer.verify(flip(token, SESSION.length + 1))).toBeNull();
    expect(signer.verify(`${token}A`)).toBeNull();
    expect(signer.verify(token.slice(0, -1))).toBeNull();
  });

  it('refuses a token whose session id was swapped for another', () => {
    const signature = signer.sign(SESSION).split('.')[1];
    expect(signer.verify(`${OTHER_SESSION}.${signature}`)).toBeNull();
    expect(signer.verify(flip(signer.sign(SESSION), 0))).toBeNull();
  });

  it('refuses a token signed with another secret', () => {
    const forged = new HmacTokenSigner('another-secret-key-0123456789abc').sign(SESSION);
    expect(forged).not.toBe(signer.sign(SESSION));
    expect(signer.verify(forged)).toBeNull();
  });

  it.each([
    '',
    '.',
    'garbage',
    `${SESSION}`,
    `${SESSION}.`,
    `.${SESSION}`,
    'not-a-session-id.abc',
    `${SESSION}.ü∂ƒ©`,
    '🙂.🙂',
    '..........',
  ])('refuses the garbage string %j', (token) => {
    expect(signer.verify(token)).toBeNull();
  });

  it('refuses a session id that is not a UUID shape, even when correctly signed', () => {
    const token = signer.sign('admin');
    expect(signer.verify(token)).toBeNull();
  });

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['an object', { token: 'x' }],
    ['an array', [SESSION]],
  ])('refuses %s instead of a string', (_, token) => {
    expect(signer.verify(token as string)).toBeNull();
  });

  it('refuses an over-long token', () => {
    const token = signer.sign(SESSION);
    expect(signer.verify(`${token}${'A'.repeat(201)}`)).toBeNull();
    expect(signer.verify('x'.repeat(100_000))).toBeNull();
  });
});
