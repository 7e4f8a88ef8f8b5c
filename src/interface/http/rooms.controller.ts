import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { GetRoomMessagesQuery, GetRoomQuery, GetRoomsQuery } from '../../application/queries/rooms.queries';
import { messagePayload } from '../ws/client-payloads';
import { badRequest, notFound, parseBefore, parseLimit } from './http-errors';

@Controller('api/rooms')
export class RoomsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  async list(): Promise<{ rooms: { name: string; members: number }[] }> {
    return { rooms: await this.queryBus.execute(new GetRoomsQuery()) };
  }

  @Get(':room')
  async room(@Param('room') room: string): Promise<{ name: string; members: string[] }> {
    const found = await this.queryBus.execute(new GetRoomQuery(room));
    if (found === null) throw notFound('unknown_room', `Unknown room: ${room}`);
    return found;
  }

  /** Newest first; pass the last id as `before` for the next, older page. */
  @Get(':room/messages')
  async messages(@Param('room') room: string, @Query() query: Record<string, unknown>): Promise<unknown> {
    const limit = parseLimit(query.limit);
    const before = parseBefore(query.before);
    const page = await this.queryBus.execute(new GetRoomMessagesQuery(room, before, limit));
    if (page === 'unknown_room') throw notFound('unknown_room', `Unknown room: ${room}`);
    if (page === 'unknown_message') throw badRequest('before', `No message ${String(before)} in ${room}`);
    return { room, messages: page.messages.map(messagePayload), hasMore: page.hasMore };
  }
}
