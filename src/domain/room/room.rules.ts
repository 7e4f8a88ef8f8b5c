import { DomainError, type ErrorDetails } from '../shared/domain-error';
import { MODERATOR, rankOf, restricts, type MessageFacts, type Room } from './room.state';

export type RoomRules = {
  /** The default rooms (`CHAT_ROOMS`): there from the start, public, owned by nobody. */
  readonly rooms: ReadonlySet<string>;
  readonly maxMessageLength: number;
};

/** A default room, or one someone created. */
export const requireKnownRoom = (rules: RoomRules, name: string, room: Room): void => {
  if (!rules.rooms.has(name) && room.created === undefined) throw new DomainError('unknown_room', `Unknown room: ${name}`);
};

/** Known and not archived: what joining and writing need. */
export const requireOpenRoom = (rules: RoomRules, name: string, room: Room): void => {
  requireKnownRoom(rules, name, room);
  if (room.archived) throw new DomainError('room_archived', `${name} is archived: it can be read, not joined or written to`);
};

/** The details of a refusal by a ban or a mute. */
export const untilDetails = (at: number | null): ErrorDetails => (at === null ? {} : { until: new Date(at).toISOString() });

/** The message, if it exists and is not deleted. */
export const liveMessage = (facts: MessageFacts | undefined): MessageFacts => {
  if (facts === undefined || facts.deleted) throw new DomainError('message_not_found', 'No such message');
  return facts;
};

/** What someone may do with a room's history and members: read them, also moderate, or why not. */
export type Access = 'moderate' | 'read' | 'unknown_room' | 'forbidden' | 'banned';

/**
 * Who may read a room: anyone a public room (the default rooms too), the allowed a private one, and
 * nobody while banned; admins, owners and moderators may also moderate. `who` undefined: a caller
 * without a session, who may read public rooms only.
 */
export const accessTo = (
  rules: RoomRules,
  name: string,
  room: Room,
  who: { userId: string; admin: boolean } | undefined,
  now: number,
): Access => {
  if (!rules.rooms.has(name) && room.created === undefined) return 'unknown_room';
  if (who !== undefined && rankOf(room, who) >= MODERATOR) return 'moderate';
  if (who !== undefined && restricts(room.bans.get(who.userId), now)) return 'banned';
  if (room.created?.visibility === 'private' && (who === undefined || !room.allowed.has(who.userId))) return 'forbidden';
  return 'read';
};
