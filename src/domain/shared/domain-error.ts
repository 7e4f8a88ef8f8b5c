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
  | 'file_not_found'
  | 'room_exists'
  | 'room_archived'
  | 'banned'
  | 'muted'
  | 'slow_mode'
  | 'invite_expired'
  | 'too_many_invites'
  | 'too_many_rooms';

/** What a client may do about a refusal: retry after a while, or wait until a ban or mute ends. */
export type ErrorDetails = { readonly retryAfterMs?: number; readonly until?: string };

/** A rule was broken. The code is the same string the client sees. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
