import { Controller, Get, HttpException, HttpStatus, Param, Query, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { GetRoomMessagesQuery, GetRoomQuery, GetRoomsQuery, type Refusal } from '../../application/queries/rooms.queries';
import { messagePayload } from '../ws/client-payloads';
import { ApiErrors, ApiPage, RoomMessagesPage, UNAVAILABLE, type ErrorCase } from './api-models';
import { badRequest, notFound, parseBefore, parseLimit } from './http-errors';
import { RoomDetail, RoomList } from './room-models';
import { SessionCookie } from './session-cookie';

/** 404 for a room nobody made, 403 for a private room one was not let into or a room one is banned from. */
export const refused = (room: string, refusal: Refusal | 'message_not_found'): HttpException => {
  switch (refusal) {
    case 'unknown_room':
      return notFound('unknown_room', `Unknown room: ${room}`);
    case 'message_not_found':
      return notFound('message_not_found', `${room} has no such message`);
    case 'banned':
      return new HttpException({ error: { code: 'banned', message: `You are banned from ${room}` } }, HttpStatus.FORBIDDEN);
    case 'forbidden':
      return new HttpException({ error: { code: 'forbidden', message: `You may not see into ${room}` } }, HttpStatus.FORBIDDEN);
  }
};

export const ROOM_REFUSALS: ErrorCase[] = [
  [403, ['forbidden', 'banned'], 'A private room you were not let into, or one you are banned from'],
  [404, ['unknown_room'], 'No such room'],
];

@ApiTags('rooms')
@Controller('api/rooms')
export class RoomsController {
  constructor(
    private readonly queryBus: QueryBus,
    private readonly sessions: SessionCookie,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The rooms you may join, with their member counts',
    description:
      'Public rooms (the default ones among them), and the private rooms the session was let into; admins see every room, archived ones too.',
  })
  @ApiOkResponse({ type: RoomList })
  async list(@Req() req: Request): Promise<{ rooms: unknown[] }> {
    const viewer = (await this.sessions.existing(req))?.actor.userId;
    return { rooms: await this.queryBus.execute(new GetRoomsQuery(viewer)) };
  }

  @Get(':room')
  @ApiOperation({ summary: "A room's members, topic and owner" })
  @ApiParam({ name: 'room', example: 'General' })
  @ApiOkResponse({ type: RoomDetail })
  @ApiErrors(...ROOM_REFUSALS)
  async room(@Param('room') room: string, @Req() req: Request): Promise<unknown> {
    const viewer = (await this.sessions.existing(req))?.actor.userId;
    const found = await this.queryBus.execute(new GetRoomQuery(room, viewer));
    if (typeof found === 'string') throw refused(room, found);
    return found;
  }

  /** Newest first; pass the last id as `before` for the next, older page. */
  @Get(':room/messages')
  @ApiOperation({ summary: "A page of a room's messages, newest first" })
  @ApiParam({ name: 'room', example: 'General' })
  @ApiPage()
  @ApiOkResponse({ type: RoomMessagesPage })
  @ApiErrors([400, ['invalid_query'], 'A bad `limit` or `before` (named in `field`)'], ...ROOM_REFUSALS, UNAVAILABLE)
  async messages(@Param('room') room: string, @Query() query: Record<string, unknown>, @Req() req: Request): Promise<unknown> {
    const limit = parseLimit(query.limit);
    const before = parseBefore(query.before);
    const viewer = (await this.sessions.existing(req))?.actor.userId;
    const page = await this.queryBus.execute(new GetRoomMessagesQuery(room, before, limit, viewer));
    if (page === 'unknown_message') throw badRequest('before', `No message ${String(before)} in ${room}`);
    if (typeof page === 'string') throw refused(room, page);
    return { room, messages: page.messages.map(messagePayload), hasMore: page.hasMore };
  }
}
