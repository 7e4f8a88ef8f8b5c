import type { Acting, RoomCommand } from './room.commands';
import type { RoomEvent } from './room.events';
import { INVITES_PER_ROOM } from './room.moderation';
import {
  admin,
  by,
  created,
  given,
  guest,
  join,
  joined,
  member,
  mod,
  moderated,
  NOW,
  other,
  owner,
  person,
  send,
} from '../../../test/support/room-fixtures';

describe('rooms people create', () => {
  it('lets an account holder create a room, which they own', () => {
    given([])
      .when({ type: 'CreateRoom', data: { room: '  Book club ', visibility: 'public', topic: ' novels ', by: owner } })
      .then([
        {
          type: 'RoomCreated',
          data: { room: 'Book club', visibility: 'public', topic: 'novels', userId: owner.userId, username: owner.username },
        },
      ]);
  });

  it('refuses guests, taken names, default rooms and bad names', () => {
    given([])
      .when({ type: 'CreateRoom', data: { room: 'Book club', visibility: 'public', topic: '', by: guest } })
      .thenFailsWith('forbidden');
    given([created()])
      .when({ type: 'CreateRoom', data: { room: 'Book club', visibility: 'private', topic: '', by: other } })
      .thenFailsWith('room_exists');
    given([])
      .when({ type: 'CreateRoom', data: { room: 'General', visibility: 'public', topic: '', by: owner } })
      .thenFailsWith('room_exists');
    for (const bad of ['x', 'a'.repeat(41), 'Book\u200bclub', 'tab\there']) {
      given([])
        .when({ type: 'CreateRoom', data: { room: bad, visibility: 'public', topic: '', by: owner } })
        .thenFailsWith('invalid_name');
    }
  });

  it('does not know a room nobody created', () => {
    given([]).when(join(member)).thenFailsWith('unknown_room');
  });

  it('lets anyone join a public room, and only the allowed into a private one', () => {
    given([created()])
      .when(join(member))
      .then([joined(member)]);
    given([created('private')])
      .when(join(member))
      .thenFailsWith('forbidden');
    given([created('private')])
      .when(join(owner))
      .then([joined(owner)]);
    given([created('private')])
      .when(join(admin))
      .then([joined(admin)]);
  });

  it('lets an invite in until it is used up or expires', () => {
    const invite: RoomEvent = {
      type: 'InviteCreated',
      data: { room: 'Book club', code: 'c1', maxUses: 1, expiresAt: NOW + 1000, at: NOW, ...by(owner) },
    };
    given([created('private'), invite])
      .when(join(member, { invite: 'c1' }))
      .then([joined(member, 'c1')]);
    given([created('private'), invite, joined(member, 'c1')])
      .when(join(other, { invite: 'c1' }))
      .thenFailsWith('invite_expired');
    given([created('private'), invite])
      .when(join(other, { invite: 'c1', now: NOW + 1000 }))
      .thenFailsWith('invite_expired');
    given([created('private'), invite])
      .when(join(other, { invite: 'nope' }))
      .thenFailsWith('forbidden');
  });

  it('keeps letting in those an invite once let in, after they leave', () => {
    const invite: RoomEvent = { type: 'InviteCreated', data: { room: 'Book club', code: 'c1', maxUses: 1, at: NOW, ...by(owner) } };
    const left: RoomEvent = {
      type: 'MemberLeft',
      data: { room: 'Book club', userId: member.userId, username: member.username, reason: 'left' },
    };
    given([created('private'), invite, joined(member, 'c1'), left])
      .when(join(member))
      .then([joined(member)]);
  });

  it('lets owners and moderators invite, nobody else, and bounds the invites', () => {
    const invite = (who: Acting): RoomCommand => ({ type: 'CreateInvite', data: { room: 'Book club', code: 'c', by: who, now: NOW } });
    given(moderated)
      .when(invite(mod))
      .then([{ type: 'InviteCreated', data: { room: 'Book club', code: 'c', at: NOW, ...by(mod) } }]);
    given(moderated).when(invite(member)).thenFailsWith('forbidden');
    given([])
      .when({ type: 'CreateInvite', data: { room: 'General', code: 'c', by: admin, now: NOW } })
      .thenFailsWith('forbidden');
    const many: RoomEvent[] = Array.from({ length: INVITES_PER_ROOM }, (_, i) => ({
      type: 'InviteCreated',
      data: { room: 'Book club', code: `c${i}`, at: NOW, ...by(owner) },
    }));
    given([...moderated, ...many])
      .when(invite(owner))
      .thenFailsWith('too_many_invites');
    const expiring = many.map((event) => ({ ...event, data: { ...event.data, expiresAt: NOW } }) as RoomEvent);
    given([...moderated, ...expiring])
      .when(invite(owner))
      .then([{ type: 'InviteCreated', data: { room: 'Book club', code: 'c', at: NOW, ...by(owner) } }]);
  });

  it('lets the owner set the topic and archive, after which nobody joins or writes', () => {
    given(moderated)
      .when({ type: 'SetTopic', data: { room: 'Book club', topic: 'Dune', by: owner } })
      .then([{ type: 'TopicSet', data: { room: 'Book club', topic: 'Dune', ...by(owner) } }]);
    given(moderated)
      .when({ type: 'SetTopic', data: { room: 'Book club', topic: 'Dune', by: mod } })
      .thenFailsWith('forbidden');
    given(moderated)
      .when({ type: 'ArchiveRoom', data: { room: 'Book club', by: mod } })
      .thenFailsWith('forbidden');
    const archived: RoomEvent[] = [...moderated, { type: 'RoomArchived', data: { room: 'Book club', ...by(owner) } }];
    given(archived).when(send(member)).thenFailsWith('room_archived');
    given(archived)
      .when(join(person('new')))
      .thenFailsWith('room_archived');
    given(archived)
      .when({ type: 'ArchiveRoom', data: { room: 'Book club', by: owner } })
      .thenNothingHappens();
    given([])
      .when({ type: 'ArchiveRoom', data: { room: 'General', by: admin } })
      .thenFailsWith('forbidden');
  });
});
