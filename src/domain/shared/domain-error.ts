export type ErrorCode =
  | 'invalid_payload'
  | 'unknown_room'
  | 'not_a_member'
  | 'empty_message'
  | 'message_too_long'
  | 'user_not_found'
  | 'name_taken'
  | 'invalid_name'
  | 'session_ended'
  | 'message_not_found'
  | 'forbidden'
  | 'invalid_emoji'
  | 'already_registered'
  | 'invalid_credentials'
  | 'file_not_found';

/** A rule was broken. The code is the same string the client sees. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
