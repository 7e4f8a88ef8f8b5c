import { CommandBus } from '@nestjs/cqrs';
import { Ack, ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { CreateRoomCommand, RoomActionCommand, type RoomAction } from '../../application/commands/community.commands';
import { ClientEventPipeline, type AckFn, type ChatSocket } from './client-event-pipeline';
import {
  CreateInviteDto,
  CreateRoomDto,
  LiftDto,
  MemberDto,
  RemoveMessageDto,
  RestrictDto,
  RoomDto,
  SetRoleDto,
  SetTopicDto,
  SlowModeDto,
} from './dto/community.dto';
import { validatePayload } from './validate-payload';

/** `reason` only when given. */
const why = (reason: string | undefined): { reason?: string } => (reason === undefined ? {} : { reason });

/** Rooms people create and their moderation: each event is one decision of the room, answered in the ack. */
@WebSocketGateway()
export class CommunityGateway {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly pipeline: ClientEventPipeline,
  ) {}

  /** `create_room {name, visibility, topic?}`: an account holder's new room, which they own. */
  @SubscribeMessage('create_room')
  createRoom(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown, @Ack() ack: AckFn): Promise<void> {
    return this.pipeline.run(socket, 'create_room', ack, async (actor, context) => {
      const { name, visibility, topic } = validatePayload(CreateRoomDto, body);
      const created = await this.commandBus.execute(new CreateRoomCommand(actor, name, visibility, topic ?? '', context));
      return { result: created, log: { room: created.room, visibility } };
    });
  }

  @SubscribeMessage('create_invite')
  createInvite(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown, @Ack() ack: AckFn): Promise<void> {
    return this.run(socket, 'create_invite', ack, () => {
      const { room, maxUses, expiresIn } = validatePayload(CreateInviteDto, body);
      const limits = {
        ...(maxUses !== undefined ? { maxUses } : {}),
        ...(expiresIn !== undefined ? { expiresInMs: expiresIn * 1000 } : {}),
      };
      return { room, action: { kind: 'invite', ...limits } };
    });
  }

  @SubscribeMessage('set_topic')
  setTopic(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown, @Ack() ack: AckFn): Promise<void> {
    return this.run(socket, 'set_topic', ack, () => {
      const { room, topic } = validatePayload(SetTopicDto, body);
      return { room, action: { kind: 'set_topic', topic } };
    });
  }

  @SubscribeMessage('archive_room')
  archiveRoom(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown, @Ack() ack: AckFn): Promise<void> {
    return this.run(socket, 'archive_room', ack, () => ({ room: validatePayload(RoomDto, body).room, action: { kind: 'archive' } }));
  }

  @SubscribeMessage('set_role')
  setRole(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown, @Ack() ack: AckFn): Promise<void> {
    return this.run(socket, 'set_role', ack, () => {
      const { room, user, role } = validatePayload(SetRoleDto, body);
      return { room, action: { kind: 'set_role', user, role } };
    });
  }

  @SubscribeMessage('kick')
  kick(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown, @Ack() ack: AckFn): Promise<void> {
    return this.run(socket, 'kick', ack, () => {
      const { room, user, reason } = validatePayload(MemberDto, body);
      return { room, action: { kind: 'kick', user, ...why(reason) } };
    });
  }

  @SubscribeMessage('ban')
  ban(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown, @Ack() ack: AckFn): Promise<void> {
    return this.run(socket, 'ban', ack, () => this.restrict('ban', validatePayload(RestrictDto, body)));
  }

  @SubscribeMessage('mute')
  mute(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown, @Ack() ack: AckFn): Promise<void> {
    return this.run(socket, 'mute', ack, () => this.restrict('mute', validatePayload(RestrictDto, body)));
  }

  @SubscribeMessage('unban')
  unban(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown, @Ack() ack: AckFn): Promise<void> {
    return this.run(socket, 'unban', ack, () => {
      const { room, user } = validatePayload(LiftDto, body);
      return { room, action: { kind: 'unban', user } };
    });
  }

  @SubscribeMessage('unmute')
  unmute(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown, @Ack() ack: AckFn): Promise<void> {
    return this.run(socket, 'unmute', ack, () => {
      const { room, user } = validatePayload(LiftDto, body);
      return { room, action: { kind: 'unmute', user } };
    });
  }

  @SubscribeMessage('remove_message')
  removeMessage(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown, @Ack() ack: AckFn): Promise<void> {
    return this.run(socket, 'remove_message', ack, () => {
      const { room, messageId, reason } = validatePayload(RemoveMessageDto, body);
      return { room, action: { kind: 'remove', messageId, ...why(reason) } };
    });
  }

  @SubscribeMessage('slow_mode')
  slowMode(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown, @Ack() ack: AckFn): Promise<void> {
    return this.run(socket, 'slow_mode', ack, () => {
      const { room, seconds } = validatePayload(SlowModeDto, body);
      return { room, action: { kind: 'slow_mode', seconds } };
    });
  }

  private restrict(kind: 'ban' | 'mute', { room, user, until, reason }: RestrictDto): { room: string; action: RoomAction } {
    return { room, action: { kind, user, ...(until !== undefined ? { until: Date.parse(until) } : {}), ...why(reason) } };
  }

  /** Runs one action on a room; the ack says whether it changed anything, and gives an invite's code. */
  private run(socket: ChatSocket, event: string, ack: AckFn, parse: () => { room: string; action: RoomAction }): Promise<void> {
    return this.pipeline.run(socket, event, ack, async (actor, context) => {
      const { room, action } = parse();
      const outcome = await this.commandBus.execute(new RoomActionCommand(actor, room, action, context));
      const about = 'user' in action ? { user: action.user } : 'messageId' in action ? { messageId: action.messageId } : {};
      return { result: { room, ...outcome }, log: { room, ...about, changed: outcome.changed } };
    });
  }
}
