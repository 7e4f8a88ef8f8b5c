import { assertNever } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import { invisibleCharacterIn } from '../username/username.decider';
import type { Acting, CommunityCommand, ModerationCommand, Target } from './room.commands';
import type { RoomEvent } from './room.events';
import { liveMessage, requireKnownRoom, requireOpenRoom, type RoomRules } from './room.rules';
import { MODERATOR, OWNER, rankOf, type Room } from './room.state';

export const ROOM_NAME_MIN = 2;
export const ROOM_NAME_MAX = 40;
export const TOPIC_MAX = 200;
export const REASON_MAX = 200;
export const SLOW_MODE_MAX_SECONDS = 3600;
/** Invites of one room that may still be used at once. */
export const INVITES_PER_ROOM = 50;

const length = (text: string): number => [...text].length;

/** A room's name as chosen: trimmed, `ROOM_NAME_MIN`..`ROOM_NAME_MAX` characters, nothing invisible. */
export const parseRoomName = (raw: string): string => {
  const name = raw.normalize('NFC').trim();
  if (length(name) < ROOM_NAME_MIN || length(name) > ROOM_NAME_MAX) {
    throw new DomainError('invalid_name', `A room's name has ${ROOM_NAME_MIN} to ${ROOM_NAME_MAX} characters`);
  }
  const problem = invisibleCharacterIn(name);
  if (problem !== undefined) throw new DomainError('invalid_name', problem);
  return name;
};

export const parseTopic = (raw: string): string => {
  const topic = raw.trim();
  if (length(topic) > TOPIC_MAX) throw new DomainError('invalid_payload', `A topic has at most ${TOPIC_MAX} characters`);
  return topic;
};

const optionalReason = (reason: string | undefined): { reason?: string } => {
  const trimmed = reason?.trim() ?? '';
  if (length(trimmed) > REASON_MAX) throw new DomainError('invalid_payload', `A reason has at most ${REASON_MAX} characters`);
  return trimmed === '' ? {} : { reason: trimmed };
};

const by = (acting: Acting): { byUserId: string; byUsername: string } => ({ byUserId: acting.userId, byUsername: acting.username });

/** The acting user stands at least at `least` in the room. */
const requireRank = (room: Room, acting: Acting, least: number, what: string): void => {
  if (rankOf(room, acting) < least) throw new DomainError('forbidden', `Only ${least >= OWNER ? 'owners' : 'moderators'} can ${what}`);
};

/** The acting user stands at least at moderator and above the member they act on. */
const requireAbove = (room: Room, acting: Acting, target: Target, what: string): void => {
  requireRank(room, acting, MODERATOR, what);
  if (target.userId === acting.userId) throw new DomainError('forbidden', `You cannot ${what} yourself`);
  if (rankOf(room, target) >= rankOf(room, acting)) throw new DomainError('forbidden', `You cannot ${what} ${target.username}`);
};

const futureOrNone = (until: number | undefined, now: number): { until?: number } => {
  if (until === undefined) return {};
  if (until <= now) throw new DomainError('invalid_payload', '`until` must be in the future');
  return { until };
};

export const decideCommunity = (command: CommunityCommand, room: Room, rules: RoomRules): RoomEvent[] => {
  const { data } = command;
  switch (command.type) {
    case 'CreateRoom': {
      const { by: acting, visibility } = command.data;
      if (!acting.account) throw new DomainError('forbidden', 'Register an account to create rooms');
      const name = parseRoomName(data.room);
      if (rules.rooms.has(name) || room.created !== undefined)
        throw new DomainError('room_exists', `There is already a room named ${name}`);
      const topic = parseTopic(command.data.topic);
      return [{ type: 'RoomCreated', data: { room: name, visibility, topic, userId: acting.userId, username: acting.username } }];
    }
    case 'SetTopic': {
      requireOpenRoom(rules, data.room, room);
      requireRank(room, data.by, OWNER, 'set the topic');
      const topic = parseTopic(command.data.topic);
      return topic === room.topic ? [] : [{ type: 'TopicSet', data: { room: data.room, topic, ...by(data.by) } }];
    }
    case 'ArchiveRoom': {
      requireKnownRoom(rules, data.room, room);
      if (room.created === undefined) throw new DomainError('forbidden', 'The default rooms cannot be archived');
      requireRank(room, data.by, OWNER, 'archive a room');
      return room.archived ? [] : [{ type: 'RoomArchived', data: { room: data.room, ...by(data.by) } }];
    }
    case 'CreateInvite': {
      const { code, maxUses, expiresAt, now } = command.data;
      requireOpenRoom(rules, data.room, room);
      if (room.created === undefined) throw new DomainError('forbidden', 'Anyone may join the default rooms: they need no invite');
      requireRank(room, data.by, MODERATOR, 'invite');
      const usable = [...room.invites.values()].filter(
        (invite) => (invite.expiresAt ?? Infinity) > now && invite.uses < (invite.maxUses ?? Infinity),
      );
      if (usable.length >= INVITES_PER_ROOM) {
        throw new DomainError('too_many_invites', `${data.room} has ${INVITES_PER_ROOM} invites that can still be used`);
      }
      if (maxUses !== undefined && (!Number.isInteger(maxUses) || maxUses < 1)) {
        throw new DomainError('invalid_payload', '`maxUses` must be a whole number of at least 1');
      }
      const { until: expires } = futureOrNone(expiresAt, now);
      const limits = { ...(maxUses !== undefined ? { maxUses } : {}), ...(expires !== undefined ? { expiresAt: expires } : {}) };
      return [{ type: 'InviteCreated', data: { room: data.room, code, ...limits, at: now, ...by(data.by) } }];
    }
    default:
      return assertNever(command);
  }
};

export const decideModeration = (command: ModerationCommand, room: Room, rules: RoomRules): RoomEvent[] => {
  const { data } = command;
  requireKnownRoom(rules, data.room, room);
  switch (command.type) {
    case 'SetRole': {
      const { target, role } = command.data;
      requireRank(room, data.by, OWNER, 'give roles');
      if (role === 'owner' && !data.by.admin) throw new DomainError('forbidden', 'Only admins can make owners');
      requireAbove(room, data.by, target, 'change the role of');
      const current = room.roles.get(target.userId) ?? 'member';
      if (current === role) return [];
      return [{ type: 'RoleSet', data: { room: data.room, userId: target.userId, username: target.username, role, ...by(data.by) } }];
    }
    case 'Kick': {
      const { target, reason } = command.data;
      requireAbove(room, data.by, target, 'kick');
      if (!room.members.has(target.userId)) throw new DomainError('not_a_member', `${target.username} is not in ${data.room}`);
      const about = { room: data.room, userId: target.userId, username: target.username };
      return [{ type: 'MemberKicked', data: { ...about, ...by(data.by), ...optionalReason(reason) } }];
    }
    case 'Ban':
    case 'Mute': {
      const { target, reason, until, now } = command.data;
      requireAbove(room, data.by, target, command.type === 'Ban' ? 'ban' : 'mute');
      const about = { room: data.room, userId: target.userId, username: target.username };
      const fact = { ...about, ...by(data.by), ...futureOrNone(until, now), ...optionalReason(reason), at: now };
      return [command.type === 'Ban' ? { type: 'MemberBanned', data: fact } : { type: 'MemberMuted', data: fact }];
    }
    case 'Unban':
    case 'Unmute': {
      const { target } = command.data;
      const lifting = command.type === 'Unban';
      requireAbove(room, data.by, target, lifting ? 'unban' : 'unmute');
      const restriction = (lifting ? room.bans : room.mutes).get(target.userId);
      if (restriction === undefined) return [];
      const fact = { room: data.room, userId: target.userId, username: target.username, ...by(data.by) };
      return [lifting ? { type: 'MemberUnbanned', data: fact } : { type: 'MemberUnmuted', data: fact }];
    }
    case 'RemoveMessage': {
      const { messageId, message, authorAdmin, reason } = command.data;
      requireRank(room, data.by, MODERATOR, 'remove messages');
      const facts = liveMessage(message);
      const author = { userId: facts.userId, username: '', admin: authorAdmin };
      if (facts.userId !== data.by.userId && rankOf(room, author) >= rankOf(room, data.by)) {
        throw new DomainError('forbidden', 'You cannot remove the messages of someone above or beside you');
      }
      return [
        {
          type: 'MessageRemoved',
          data: {
            room: data.room,
            messageId,
            seq: facts.seq,
            userId: facts.userId,
            username: facts.username,
            ...by(data.by),
            ...optionalReason(reason),
          },
        },
      ];
    }
    case 'SetSlowMode': {
      const { seconds } = command.data;
      requireRank(room, data.by, MODERATOR, 'set slow mode');
      if (!Number.isInteger(seconds) || seconds < 0 || seconds > SLOW_MODE_MAX_SECONDS) {
        throw new DomainError('invalid_payload', `Slow mode is 0 to ${SLOW_MODE_MAX_SECONDS} seconds`);
      }
      return seconds === room.slowModeSeconds ? [] : [{ type: 'SlowModeSet', data: { room: data.room, seconds, ...by(data.by) } }];
    }
    default:
      return assertNever(command);
  }
};
