export type ErrorCode =
  | 'invalid_payload'
  | 'unknown_room'
  | 'not_a_member'
  | 'empty_message'
  | 'message_too_long'
  | 'user_not_found'
  | 'name_taken'
  | 'session_ended';

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
