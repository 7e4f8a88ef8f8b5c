import { type Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';

/**
 * A room's name belongs to one room. Its stream (`roomname-<key>`, the key the same confusable-aware
 * comparison key as usernames') is the lock two rooms with look-alike names meet on: the first to
 * claim it gets it; its creator may claim it again (a create that failed after the claim is retried).
 */
export type RoomNameClaimed = { type: 'RoomNameClaimed'; data: { room: string; userId: string } };
export type ClaimRoomName = { type: 'ClaimRoomName'; data: { room: string; userId: string } };

export type RoomName = { readonly status: 'Free' } | { readonly status: 'Claimed'; readonly room: string; readonly userId: string };

export const roomNameDecider: Decider<RoomName, ClaimRoomName, RoomNameClaimed> = {
  initialState: () => ({ status: 'Free' }),
  evolve: (name, event) => (name.status === 'Claimed' ? name : { status: 'Claimed', ...event.data }),
  decide: (command, name) => {
    if (name.status === 'Free') return [{ type: 'RoomNameClaimed', data: { ...command.data } }];
    if (name.room === command.data.room && name.userId === command.data.userId) return [];
    throw new DomainError('room_exists', `There is already a room named ${name.room}`);
  },
};

export const roomNameStream = (key: string): string => `roomname-${key}`;
