import { type Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';

/** A name can belong to one user only. Its stream (`username-<normalised>`) is the lock. */
export type UsernameClaimed = { type: 'UsernameClaimed'; data: { username: string; userId: string } };
export type UsernameEvent = UsernameClaimed;
export type ClaimUsername = { type: 'ClaimUsername'; data: { username: string; userId: string } };
export type UsernameCommand = ClaimUsername;

export type Username = { readonly status: 'Free' } | { readonly status: 'Claimed'; readonly userId: string };

export const initialState = (): Username => ({ status: 'Free' });

export const evolve = (_: Username, event: UsernameEvent): Username => ({
  status: 'Claimed',
  userId: event.data.userId,
});

export const decide = (command: UsernameCommand, name: Username): UsernameEvent[] => {
  if (name.status === 'Free') return [{ type: 'UsernameClaimed', data: { ...command.data } }];
  if (name.userId === command.data.userId) return [];
  throw new DomainError('name_taken', `${command.data.username} is taken`);
};

export const usernameDecider: Decider<Username, UsernameCommand, UsernameEvent> = { decide, evolve, initialState };

/** Names compare case-insensitively and with compatibility look-alikes folded (NFKC). */
export const normaliseUsername = (username: string): string => username.normalize('NFKC').toLowerCase();

export const usernameStream = (username: string): string => `username-${normaliseUsername(username)}`;

/** `Guest` followed by digits, e.g. Guest4821. */
export const guestName = (digits: string): string => `Guest${digits}`;
