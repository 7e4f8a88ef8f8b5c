import type { FileEvent } from './file/file.decider';
import type { PresenceEvent } from './presence/presence.events';
import type { RoomNameClaimed } from './room/room-name';
import type { RoomEvent } from './room/room.events';
import type { SessionEvent } from './session/session.events';
import type { UsernameEvent } from './username/username.decider';

export type DomainEvent = RoomEvent | RoomNameClaimed | SessionEvent | PresenceEvent | UsernameEvent | FileEvent;
