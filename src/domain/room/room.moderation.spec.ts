import type { Acting, RoomCommand } from './room.commands';
import type { RoomEvent } from './room.events';
import { evolve, initialState } from './room.state';
import {
  admin,
  by,
  decider,
  facts,
  given,
  join,
  joined,
  member,
  mod,
  moderated,
  NOW,
  other,
  owner,
  send,
  sent,
  target,
} from '../../../test/support/room-fixtures';

describe('moderation', () => {
  const about = (who: Acting): { room: string; userId: string; username: string } => ({
    room: 'Book club',
    userId: who.userId,
    username: who.username,
  });

  it('lets a moderator kick a member, who may join again', () => {
    const kicked: RoomEvent = { type: 'MemberKicked', data: { ...about(member), ...by(mod), reason: 'spam' } };
    given(moderated)
      .when({ type: 'Kick', data: { room: 'Book club', target: target(member), reason: ' spam ', by: mod } })
      .then([kicked]);
    given([...moderated, kicked])
      .when(join(member))
      .then([joined(member)]);
  });

  it('refuses every moderation from a member who is not a moderator', () => {
    const commands: RoomCommand[] = [
      { type: 'Kick', data: { room: 'Book club', target: target(other), by: member } },
      { type: 'Ban', data: { room: 'Book club', target: target(other), by: member, now: NOW } },
      { type: 'Unban', data: { room: 'Book club', target: target(other), by: member } },
      { type: 'Mute', data: { room: 'Book club', target: target(other), by: member, now: NOW } },
      { type: 'Unmute', data: { room: 'Book club', target: target(other), by: member } },
      { type: 'RemoveMessage', data: { room: 'Book club', messageId: 'm-1', message: facts(other), authorAdmin: false, by: member } },
      { type: 'SetSlowMode', data: { room: 'Book club', seconds: 10, by: member } },
      { type: 'SetRole', data: { room: 'Book club', target: target(other), role: 'moderator', by: member } },
    ];
    for (const command of commands) given(moderated).when(command).thenFailsWith('forbidden');
  });

  it('refuses acting on an owner or admin from below, or on an equal', () => {
    given(moderated)
      .when({ type: 'Kick', data: { room: 'Book club', target: target(owner), by: mod } })
      .thenFailsWith('forbidden');
    given(moderated)
      .when({ type: 'Ban', data: { room: 'Book club', target: target(admin), by: owner, now: NOW } })
      .thenFailsWith('forbidden');
    const second: RoomEvent = { type: 'RoleSet', data: { ...about(other), role: 'moderator', ...by(owner) } };
    given([...moderated, second])
      .when({ type: 'Mute', data: { room: 'Book club', target: target(other), by: mod, now: NOW } })
      .thenFailsWith('forbidden');
    given(moderated)
      .when({ type: 'RemoveMessage', data: { room: 'Book club', messageId: 'm-1', message: facts(owner), authorAdmin: false, by: mod } })
      .thenFailsWith('forbidden');
    given(moderated)
      .when({ type: 'RemoveMessage', data: { room: 'Book club', messageId: 'm-1', message: facts(member), authorAdmin: true, by: owner } })
      .thenFailsWith('forbidden');
  });

  it('keeps a banned member out until the ban ends or is lifted', () => {
    const banned: RoomEvent = { type: 'MemberBanned', data: { ...about(member), ...by(mod), until: NOW + 60_000, at: NOW } };
    given(moderated)
      .when({ type: 'Ban', data: { room: 'Book club', target: target(member), until: NOW + 60_000, by: mod, now: NOW } })
      .then([banned]);
    given([...moderated, banned])
      .when(join(member))
      .thenFailsWith('banned');
    given([...moderated, banned])
      .when(send(member))
      .thenFailsWith('not_a_member');
    given([...moderated, banned])
      .when(join(member, { now: NOW + 60_000 }))
      .then([joined(member)]);
    const lifted: RoomEvent = { type: 'MemberUnbanned', data: { ...about(member), ...by(owner) } };
    given([...moderated, banned])
      .when({ type: 'Unban', data: { room: 'Book club', target: target(member), by: owner } })
      .then([lifted]);
    given([...moderated, banned, lifted])
      .when(join(member))
      .then([joined(member)]);
    given(moderated)
      .when({ type: 'Unban', data: { room: 'Book club', target: target(member), by: owner } })
      .thenNothingHappens();
    given(moderated)
      .when({ type: 'Ban', data: { room: 'Book club', target: target(member), until: NOW, by: mod, now: NOW } })
      .thenFailsWith('invalid_payload');
  });

  it('keeps a muted member from sending, until the mute ends', () => {
    const muted: RoomEvent = { type: 'MemberMuted', data: { ...about(member), ...by(mod), until: NOW + 5000, at: NOW } };
    given([...moderated, muted])
      .when(send(member))
      .thenFailsWith('muted');
    given([...moderated, muted])
      .when(send(member, NOW + 5000))
      .then([{ ...sent(member, 1), data: { ...sent(member, 1).data, messageId: 'm-new', text: 'hello' } }]);
    given([...moderated, muted, { type: 'MemberUnmuted', data: { ...about(member), ...by(mod) } }])
      .when(send(member))
      .then([{ ...sent(member, 1), data: { ...sent(member, 1).data, messageId: 'm-new', text: 'hello' } }]);
  });

  it('keeps a muted member from editing and reacting too, not from deleting their own', () => {
    const muted: RoomEvent = { type: 'MemberMuted', data: { ...about(member), ...by(mod), at: NOW } };
    const about1 = { room: 'Book club', userId: member.userId, messageId: 'm-1', message: facts(member), now: NOW };
    given([...moderated, sent(member, 1), muted])
      .when({ type: 'EditMessage', data: { ...about1, text: 'changed' } })
      .thenFailsWith('muted');
    given([...moderated, sent(member, 1), muted])
      .when({ type: 'ToggleReaction', data: { ...about1, username: member.username, emoji: '👍' } })
      .thenFailsWith('muted');
    given([...moderated, sent(member, 1), muted])
      .when({ type: 'DeleteMessage', data: about1 })
      .then([{ type: 'MessageDeleted', data: { room: 'Book club', messageId: 'm-1', userId: member.userId } }]);
  });

  it('holds members, not moderators, to slow mode, and says when to retry', () => {
    const slow: RoomEvent = { type: 'SlowModeSet', data: { room: 'Book club', seconds: 10, ...by(mod) } };
    const first: RoomEvent = { ...sent(member, 1), data: { ...sent(member, 1).data, at: NOW } };
    const state = [...moderated, slow, first].reduce(evolve, initialState());
    expect(() => decider.decide(send(member, NOW + 4000), state)).toThrow(
      expect.objectContaining({ code: 'slow_mode', details: { retryAfterMs: 6000 } }),
    );
    expect(decider.decide(send(member, NOW + 10_000), state)).toEqual([
      {
        type: 'MessageSent',
        data: {
          room: 'Book club',
          messageId: 'm-new',
          seq: 2,
          userId: member.userId,
          username: member.username,
          text: 'hello',
          at: NOW + 10_000,
        },
      },
    ]);
    given([...moderated, slow, { ...sent(mod, 1), data: { ...sent(mod, 1).data, at: NOW } }])
      .when(send(mod, NOW + 1))
      .then([
        {
          type: 'MessageSent',
          data: { room: 'Book club', messageId: 'm-new', seq: 2, userId: mod.userId, username: mod.username, text: 'hello', at: NOW + 1 },
        },
      ]);
    given(moderated)
      .when({ type: 'SetSlowMode', data: { room: 'Book club', seconds: 3601, by: mod } })
      .thenFailsWith('invalid_payload');
  });

  it('lets a moderator remove a message, which then cannot be replied to', () => {
    given([...moderated, sent(member, 1)])
      .when({
        type: 'RemoveMessage',
        data: { room: 'Book club', messageId: 'm-1', message: facts(member), authorAdmin: false, reason: 'rude', by: mod },
      })
      .then([
        {
          type: 'MessageRemoved',
          data: {
            room: 'Book club',
            messageId: 'm-1',
            seq: 1,
            userId: member.userId,
            username: member.username,
            ...by(mod),
            reason: 'rude',
          },
        },
      ]);
    given(moderated)
      .when({
        type: 'RemoveMessage',
        data: { room: 'Book club', messageId: 'm-1', message: facts(member, true), authorAdmin: false, by: mod },
      })
      .thenFailsWith('message_not_found');
    given(moderated)
      .when(send(member, NOW, { messageId: 'm-1', message: facts(member, true) }))
      .thenFailsWith('message_not_found');
    given(moderated)
      .when(send(member, NOW, { messageId: 'm-9', message: undefined }))
      .thenFailsWith('message_not_found');
  });

  it('lets a member reply to a message', () => {
    given([...moderated, sent(other, 1)])
      .when(send(member, NOW, { messageId: 'm-1', message: facts(other) }))
      .then([
        {
          type: 'MessageSent',
          data: {
            room: 'Book club',
            messageId: 'm-new',
            seq: 2,
            userId: member.userId,
            username: member.username,
            text: 'hello',
            replyTo: 'm-1',
          },
        },
      ]);
  });

  it('lets owners give roles, and only admins make owners', () => {
    given(moderated)
      .when({ type: 'SetRole', data: { room: 'Book club', target: target(member), role: 'moderator', by: owner } })
      .then([{ type: 'RoleSet', data: { ...about(member), role: 'moderator', ...by(owner) } }]);
    given(moderated)
      .when({ type: 'SetRole', data: { room: 'Book club', target: target(member), role: 'owner', by: owner } })
      .thenFailsWith('forbidden');
    given(moderated)
      .when({ type: 'SetRole', data: { room: 'Book club', target: target(member), role: 'owner', by: admin } })
      .then([{ type: 'RoleSet', data: { ...about(member), role: 'owner', ...by(admin) } }]);
    given(moderated)
      .when({ type: 'SetRole', data: { room: 'Book club', target: target(mod), role: 'moderator', by: owner } })
      .thenNothingHappens();
  });

  it('lets admins moderate the default rooms, which have no owner', () => {
    const general: RoomEvent[] = [{ type: 'MemberJoined', data: { room: 'General', userId: member.userId, username: member.username } }];
    given(general)
      .when({ type: 'Kick', data: { room: 'General', target: target(member), by: admin } })
      .then([{ type: 'MemberKicked', data: { room: 'General', userId: member.userId, username: member.username, ...by(admin) } }]);
    given(general)
      .when({ type: 'Kick', data: { room: 'General', target: target(member), by: other } })
      .thenFailsWith('forbidden');
  });
});
