import { DomainError } from './domain-error';
import { DEFAULT_MAX_MESSAGE_LENGTH, parseMessageText } from './message-text';

const failureOf = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a DomainError, but nothing was thrown');
};

const expectRejected = (raw: string, max: number, code: string): void => {
  const error = failureOf(() => parseMessageText(raw, max));
  expect(error).toBeInstanceOf(DomainError);
  expect(error).toMatchObject({ code });
};

describe('message text', () => {
  it('allows 2000 characters by default', () => {
    expect(DEFAULT_MAX_MESSAGE_LENGTH).toBe(2000);
  });

  it('is trimmed', () => {
    expect(parseMessageText('  hello world \n\t', 20)).toBe('hello world');
  });

  it('keeps inner whitespace and line breaks', () => {
    expect(parseMessageText('a  b\nc', 20)).toBe('a  b\nc');
  });

  it('must not be empty', () => {
    expectRejected('', 20, 'empty_message');
  });

  it('must not be only whitespace', () => {
    expectRejected(' \n\t\u00a0 ', 20, 'empty_message');
  });

  it('may be exactly the maximum length', () => {
    expect(parseMessageText('x'.repeat(10), 10)).toBe('x'.repeat(10));
  });

  it('must not be longer than the maximum', () => {
    expectRejected('x'.repeat(11), 10, 'message_too_long');
  });

  it('is measured after trimming', () => {
    expect(parseMessageText(`    ${'x'.repeat(10)}    `, 10)).toBe('x'.repeat(10));
  });

  it('counts an emoji as one character, not two UTF-16 units', () => {
    expect('😀'.repeat(10).length).toBe(20);
    expect(parseMessageText('😀'.repeat(10), 10)).toBe('😀'.repeat(10));
    expectRejected('😀'.repeat(11), 10, 'message_too_long');
  });

  it('applies the default maximum', () => {
    expect(parseMessageText('x'.repeat(DEFAULT_MAX_MESSAGE_LENGTH), DEFAULT_MAX_MESSAGE_LENGTH)).toHaveLength(DEFAULT_MAX_MESSAGE_LENGTH);
    expectRejected('x'.repeat(DEFAULT_MAX_MESSAGE_LENGTH + 1), DEFAULT_MAX_MESSAGE_LENGTH, 'message_too_long');
  });
});
