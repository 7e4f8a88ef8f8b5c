import { DomainError } from './domain-error';

export const DEFAULT_MAX_MESSAGE_LENGTH = 2000;

/** Counts user-perceived code points, so an emoji is one character, not two UTF-16 units. */
const codePointLength = (text: string): number => {
  let length = 0;
  for (const _ of text) length++;
  return length;
};

/** The text of a message: trimmed, not empty, at most `maxLength` characters. */
export const parseMessageText = (raw: string, maxLength: number): string => {
  const text = raw.trim();
  if (text.length === 0) throw new DomainError('empty_message', 'Message is empty');
  if (text.length > maxLength && codePointLength(text) > maxLength) {
    throw new DomainError('message_too_long', `Message is longer than ${maxLength} characters`);
  }
  return text;
};
