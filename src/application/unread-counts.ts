import { Injectable } from '@nestjs/common';
import { roomStream } from '../domain/room/room.decider';
import { EventStore } from './ports/event-store.port';
import { RoomsReadModel } from './read-models/rooms.read-model';

/** A room's unread count for one user: messages by others after `readSeq`, deleted ones excluded. */
export interface Unread {
  readonly room: string;
  readonly count: number;
  readonly readSeq: number;
}

/**
 * Unread counts, from the log: the read marker is the user's (`ReadMarkerMoved` in their session's
 * stream; none yet counts from 0), the messages are the room's. The newest `HISTORY_WINDOW` messages
 * are counted in the read model; older ones, for a marker further back, by the store from its
 * indexes. Nothing is kept per user: counts are made when asked for (a marker moves, `GET /api/unread`).
 */
@Injectable()
export class UnreadCounts {
  constructor(
    private readonly rooms: RoomsReadModel,
    private readonly store: EventStore,
  ) {}

  /** The count in `room` for a marker at `readSeq`. */
  async of(userId: string, room: string, readSeq: number): Promise<Unread> {
    const { first, last } = this.rooms.bounds(room);
    let count = 0;
    for (const message of this.rooms.windowRange(room, Math.max(first, readSeq + 1), last)) {
      if (message.deleted !== true && message.userId !== userId) count++;
    }
    if (readSeq + 1 < first) count += await this.store.countMessages(roomStream(room), { after: readSeq, before: first }, userId);
    return { room, count, readSeq };
  }
}
