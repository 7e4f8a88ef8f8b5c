import { type Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';

/**
 * A name can belong to one user only. Its stream (`username-<key>`) is the lock, where the key is the name's
 * comparison key (the confusable skeleton of the NFKC-lowercased name, computed by the application's `NameKey`
 * port). Claims made before the key was a skeleton sit on `username-<NFKC-lowercased name>`; at start the
 * application copies each of them to its skeleton stream (`LegacyClaims`), so a look-alike meets it there.
 */
export type UsernameClaimed = { type: 'UsernameClaimed'; data: { username: string; userId: string } };
export type UsernameEvent = UsernameClaimed;
export type ClaimUsername = { type: 'ClaimUsername'; data: { username: string; userId: string } };
/**
 * A claim made before names compared by their skeleton, carried over to its key's stream: the name was
 * accepted then, so its characters are not checked again; a stream already claimed is left as it is.
 */
export type CarryOverClaim = { type: 'CarryOverClaim'; data: { username: string; userId: string } };
export type UsernameCommand = ClaimUsername | CarryOverClaim;

/** Free, or claimed by `userId` under `username` (the spelling they claimed it with). */
export type Username = { readonly status: 'Free' } | { readonly status: 'Claimed'; readonly userId: string; readonly username: string };

export const initialState = (): Username => ({ status: 'Free' });

export const evolve = (name: Username, event: UsernameEvent): Username =>
  name.status === 'Claimed' ? name : { status: 'Claimed', userId: event.data.userId, username: event.data.username };

export const decide = (command: UsernameCommand, name: Username): UsernameEvent[] => {
  if (command.type === 'CarryOverClaim') return name.status === 'Free' ? [{ type: 'UsernameClaimed', data: { ...command.data } }] : [];
  checkUsernameCharacters(command.data.username);
  if (name.status === 'Free') return [{ type: 'UsernameClaimed', data: { ...command.data } }];
  if (name.userId === command.data.userId) return [];
  throw new DomainError('name_taken', nameTaken(command.data.username));
};

/** Why a name cannot be had: it, or a look-alike of it (the same key, the same stream), is someone else's. */
export const nameTaken = (username: string): string => `${username} is taken, or looks like a name that is`;

export const usernameDecider: Decider<Username, UsernameCommand, UsernameEvent> = { decide, evolve, initialState };

/**
 * Names compare case-insensitively and with compatibility look-alikes folded (NFKC, then lowercase). This is the
 * account's identity for signing in, and it was the lock's key before names compared by their skeleton.
 */
export const normaliseUsername = (username: string): string => username.normalize('NFKC').toLowerCase();

/** The lock stream of a name, from its comparison key (see `NameKey` in the application). */
export const usernameStream = (nameKey: string): string => `username-${nameKey}`;

// Characters that are invisible or change how the text around them is shown: default-ignorable code points
// (U+3164 HANGUL FILLER, U+200B, U+FEFF, U+00AD, variation selectors, bidi controls …), controls, format
// characters, unassigned and private-use code points, separators other than the plain space.
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}\p{Cn}\p{Co}\p{Cs}\p{Zl}\p{Zp}]/u;

const codePoint = (char: string): string => `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** Why a user-chosen name cannot be used, or undefined when its characters are fine. */
export const invisibleCharacterIn = (username: string): string | undefined => {
  const found = INVISIBLE.exec(username);
  return found === null ? undefined : `Names cannot contain invisible or control characters (${codePoint(found[0])})`;
};

/** Refuses a name with an invisible, default-ignorable or control character: `invalid_name`. */
export const checkUsernameCharacters = (username: string): void => {
  const problem = invisibleCharacterIn(username);
  if (problem !== undefined) throw new DomainError('invalid_name', problem);
};

/** `Guest` followed by digits, e.g. Guest4821. */
export const guestName = (digits: string): string => `Guest${digits}`;
