import { assertNever } from '../shared/decider';
import { PersistentMap, PersistentSet } from '../shared/persistent-map';
import { foldReaction } from '../shared/reactions';
import type { RoomEvent, Visibility } from './room.events';

/** What a decision needs to know of a message: its author, whether it is gone, who reacted with what. */
export type MessageFacts = {
  readonly userId: string;
  /** The author's name when they sent it, and the message's number in the room. */
  readonly username: string;
  readonly seq: number;
  /** Deleted by its author or removed by a moderator. */
  readonly deleted: boolean;
  /** emoji → the ids of the users who reacted with it */
  readonly reactions: ReadonlyMap<string, ReadonlySet<string>>;
};

/** A ban or a mute: until when (ms since the epoch; null: until lifted). */
export type Restriction = { readonly until: number | null };

export type Invite = { readonly maxUses: number | null; readonly uses: number; readonly expiresAt: number | null };

/**
 * A room's state: who is in it, who may do what, and the last message number. It does not grow with
 * the messages: a command about one message (edit, delete, reaction, removal, reply) carries that
 * message's facts, folded with `messageFacts` from its events, which the store finds by message id;
 * and a resend of a client id already used is refused by the store's unique index
 * (`DuplicateClientIdError`), however old the first message is. What it holds besides grows with
 * the people of the room (members, roles, bans, mutes, invites), never with its history.
 */
export type Room = {
  readonly status: 'Open';
  readonly members: ReadonlyMap<string, string>;
  readonly lastSeq: number;
  /** Set for rooms people created; the default rooms (`CHAT_ROOMS`) have none and are public. */
  readonly created: { readonly visibility: Visibility; readonly ownerId: string } | undefined;
  readonly topic: string;
  readonly archived: boolean;
  /** Owners and moderators; everyone else is a member. */
  readonly roles: ReadonlyMap<string, 'owner' | 'moderator'>;
  /** Of a private room: who may join without an invite (its owner, everyone an invite let in). */
  readonly allowed: ReadonlySet<string>;
  readonly bans: ReadonlyMap<string, Restriction>;
  readonly mutes: ReadonlyMap<string, Restriction>;
  /** Invites that may still let someone in (pruned of spent ones whenever one is created). */
  readonly invites: ReadonlyMap<string, Invite>;
  readonly slowModeSeconds: number;
  /** While in slow mode: when each member last sent. */
  readonly lastSentAt: ReadonlyMap<string, number>;
};

export const initialState = (): Room => ({
  status: 'Open',
  members: new Map(),
  lastSeq: 0,
  created: undefined,
  topic: '',
  archived: false,
  roles: new Map(),
  allowed: new Set(),
  bans: new Map(),
  mutes: new Map(),
  invites: new Map(),
  slowModeSeconds: 0,
  lastSentAt: new Map(),
});

/**
 * The map with one key set (value) or removed (undefined), sharing the rest with it: O(log n), so a
 * join to a room of thousands costs what a join to a room of ten does.
 */
const withEntry = <K, V>(map: ReadonlyMap<K, V>, key: K, value: V | undefined): ReadonlyMap<K, V> => PersistentMap.of(map).with(key, value);

/** Whether a restriction holds at `now`. */
export const restricts = (restriction: Restriction | undefined, now: number): restriction is Restriction =>
  restriction !== undefined && (restriction.until === null || restriction.until > now);

const spent = (invite: Invite, now: number): boolean =>
  (invite.expiresAt !== null && invite.expiresAt <= now) || (invite.maxUses !== null && invite.uses >= invite.maxUses);

/** Bans and mutes that ended by `now` are forgotten when a new one is added, so the maps hold only live ones. */
const live = (restrictions: ReadonlyMap<string, Restriction>, now: number): Map<string, Restriction> =>
  new Map([...restrictions].filter(([, restriction]) => restricts(restriction, now)));

const out = (room: Room, userId: string): Room => ({
  ...room,
  members: withEntry(room.members, userId, undefined),
  lastSentAt: withEntry(room.lastSentAt, userId, undefined),
});

export const evolve = (room: Room, event: RoomEvent): Room => {
  switch (event.type) {
    case 'MemberJoined': {
      const { userId, username, invite } = event.data;
      const joined = { ...room, members: withEntry(room.members, userId, username) };
      if (room.created?.visibility !== 'private') return joined;
      const used = invite === undefined ? undefined : room.invites.get(invite);
      return {
        ...joined,
        allowed: PersistentSet.of(room.allowed).with(userId),
        invites: used === undefined ? room.invites : withEntry(room.invites, invite!, { ...used, uses: used.uses + 1 }),
      };
    }
    case 'MemberLeft':
    case 'MemberKicked':
      return out(room, event.data.userId);
    case 'MessageSent': {
      const { seq, at, userId } = event.data;
      return { ...room, lastSeq: seq, lastSentAt: at === undefined ? room.lastSentAt : withEntry(room.lastSentAt, userId, at) };
    }
    case 'MessageEdited':
    case 'MessageDeleted':
    case 'ReactionAdded':
    case 'ReactionRemoved':
    case 'MessageRemoved':
      return room;
    case 'RoomCreated': {
      const { visibility, userId, topic } = event.data;
      return {
        ...room,
        created: { visibility, ownerId: userId },
        topic,
        roles: withEntry(room.roles, userId, 'owner'),
        allowed: new Set([userId]),
      };
    }
    case 'TopicSet':
      return { ...room, topic: event.data.topic };
    case 'RoomArchived':
      return { ...room, archived: true };
    case 'InviteCreated': {
      const { code, maxUses, expiresAt, at } = event.data;
      const invites = new Map([...room.invites].filter(([, invite]) => !spent(invite, at)));
      invites.set(code, { maxUses: maxUses ?? null, uses: 0, expiresAt: expiresAt ?? null });
      return { ...room, invites };
    }
    case 'RoleSet': {
      const { userId, role } = event.data;
      return { ...room, roles: withEntry(room.roles, userId, role === 'member' ? undefined : role) };
    }
    case 'MemberBanned': {
      const { userId, until, at } = event.data;
      return { ...out(room, userId), bans: live(room.bans, at).set(userId, { until: until ?? null }) };
    }
    case 'MemberUnbanned':
      return { ...room, bans: withEntry(room.bans, event.data.userId, undefined) };
    case 'MemberMuted': {
      const { userId, until, at } = event.data;
      return { ...room, mutes: live(room.mutes, at).set(userId, { until: until ?? null }) };
    }
    case 'MemberUnmuted':
      return { ...room, mutes: withEntry(room.mutes, event.data.userId, undefined) };
    case 'SlowModeSet':
      return { ...room, slowModeSeconds: event.data.seconds, lastSentAt: new Map() };
    default:
      return assertNever(event);
  }
};

/** The facts of one message, folded from its events in stream order (undefined: never sent). */
export const messageFacts = (events: readonly RoomEvent[]): MessageFacts | undefined => {
  let facts: { userId: string; username: string; seq: number; deleted: boolean; reactions: Map<string, Set<string>> } | undefined;
  for (const event of events) {
    if (event.type === 'MessageSent') {
      const { userId, username, seq } = event.data;
      facts = { userId, username, seq, deleted: false, reactions: new Map() };
      continue;
    }
    if (facts === undefined) continue;
    if (event.type === 'MessageDeleted' || event.type === 'MessageRemoved') facts.deleted = true;
    if (event.type === 'ReactionAdded' || event.type === 'ReactionRemoved') {
      foldReaction(facts.reactions, event.data.emoji, event.data.userId, event.type === 'ReactionAdded');
    }
  }
  return facts;
};

/** Standing in a room, from lowest to highest: member, moderator, owner, server admin. */
export const rankOf = (room: Room, who: { userId: string; admin: boolean }): number => {
  if (who.admin) return 3;
  const role = room.roles.get(who.userId);
  return role === 'owner' ? 2 : role === 'moderator' ? 1 : 0;
};

export const MODERATOR = 1;
export const OWNER = 2;
