import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { GetRoomMessagesQuery, GetRoomQuery, GetRoomsQuery } from '../../application/queries/rooms.queries';
import { messagePayload } from '../ws/client-payloads';
import { ApiErrors, ApiPage, RoomDetail, RoomList, RoomMessagesPage, UNAVAILABLE } from './api-models';
import { badRequest, notFound, parseBefore, parseLimit } from './http-errors';

@ApiTags('rooms')
@Controller('api/rooms')
export class RoomsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({ summary: 'Every room with its member count' })
  @ApiOkResponse({ type: RoomList })
  async list(): Promise<{ rooms: { name: string; members: number }[] }> {
    return { rooms: await this.queryBus.execute(new GetRoomsQuery()) };
  }

  @Get(':room')
  @ApiOperation({ summary: "A room's members" })
  @ApiParam({ name: 'room', description: 'One of CHAT_ROOMS', example: 'General' })
  @ApiOkResponse({ type: RoomDetail })
  @ApiErrors([404, ['unknown_room'], 'No such room'])
  async room(@Param('room') room: string): Promise<{ name: string; members: string[] }> {
    const found = await this.queryBus.execute(new GetRoomQuery(room));
    if (found === null) throw notFound('unknown_room', `Unknown room: ${room}`);
    return found;
  }

  /** Newest first; pass the last id as `before` for the next, older page. */
  @Get(':room/messages')
  @ApiOperation({ summary: "A page of a room's messages, newest first" })
  @ApiParam({ name: 'room', description: 'One of CHAT_ROOMS', example: 'General' })
  @ApiPage()
  @ApiOkResponse({ type: RoomMessagesPage })
  @ApiErrors([400, ['invalid_query'], 'A bad `limit` or `before` (named in `field`)'], [404, ['unknown_room'], 'No such room'], UNAVAILABLE)
  async messages(@Param('room') room: string, @Query() query: Record<string, unknown>): Promise<unknown> {
    const limit = parseLimit(query.limit);
    const before = parseBefore(query.before);
    const page = await this.queryBus.execute(new GetRoomMessagesQuery(room, before, limit));
    if (page === 'unknown_room') throw notFound('unknown_room', `Unknown room: ${room}`);
    if (page === 'unknown_message') throw badRequest('before', `No message ${String(before)} in ${room}`);
    return { room, messages: page.messages.map(messagePayload), hasMore: page.hasMore };
  }
}
