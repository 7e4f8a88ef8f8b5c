import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { Ack, ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { ChangeMessageCommand, type MessageChange } from '../../application/commands/change-message.command';
import { MarkReadCommand } from '../../application/commands/mark-read.command';
import type { Actor } from '../../application/context';
import { GetUserRoomsQuery } from '../../application/queries/rooms.queries';
import { FindOnlineUserQuery } from '../../application/queries/users.queries';
import { DomainError } from '../../domain/shared/domain-error';
import { ClientEventPipeline, type AckFn, type ChatSocket, type Reply } from './client-event-pipeline';
import { messagePayload } from './client-payloads';
import { DeleteMessageDto, EditMessageDto, ReactDto, ReadDto, TypingDto } from './dto/chat.dto';
import { TypingTracker } from './typing';
import { validatePayload } from './validate-payload';

/** The events added beside the seed protocol: edits, deletes, reactions, read markers and typing indicators. */
@WebSocketGateway()
export class MessageActionsGateway {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
    private readonly pipeline: ClientEventPipeline,
    private readonly typing: TypingTracker,
  ) {}

  @SubscribeMessage('edit_message')
  edit(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown, @Ack() ack: AckFn): Promise<void> {
    return this.pipeline.run(socket, 'edit_message', ack, (actor, context) => {
      const { room, messageId, msg } = validatePayload(EditMessageDto, body);
      return this.change(actor, room, messageId, { kind: 'edit', text: msg }, context.correlationId);
    });
  }

  @SubscribeMessage('delete_message')
  delete(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown, @Ack() ack: AckFn): Promise<void> {
    return this.pipeline.run(socket, 'delete_message', ack, (actor, context) => {
      const { room, messageId } = validatePayload(DeleteMessageDto, body);
      return this.change(actor, room, messageId, { kind: 'delete' }, context.correlationId);
    });
  }

  @SubscribeMessage('react')
  react(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown, @Ack() ack: AckFn): Promise<void> {
    return this.pipeline.run(socket, 'react', ack, (actor, context) => {
      const { room, messageId, emoji } = validatePayload(ReactDto, body);
      return this.change(actor, room, messageId, { kind: 'react', emoji }, context.correlationId);
    });
  }

  @SubscribeMessage('read')
  read(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown, @Ack() ack: AckFn): Promise<void> {
    return this.pipeline.run(socket, 'read', ack, async (actor, context) => {
      const { room, seq } = validatePayload(ReadDto, body);
      const outcome = await this.commandBus.execute(new MarkReadCommand(actor, room, seq, context));
      return { result: outcome, log: { room, seq, changed: outcome.changed } };
    });
  }

  @SubscribeMessage('typing')
  typingChanged(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown, @Ack() ack: AckFn): Promise<void> {
    return this.pipeline.run(socket, 'typing', ack, async (actor) => {
      const { room, target, typing } = validatePayload(TypingDto, body);
      if (room !== undefined) {
        const rooms = await this.queryBus.execute(new GetUserRoomsQuery(actor.userId));
        if (!rooms.includes(room)) throw new DomainError('not_a_member', `Join ${room} before typing in it`);
        this.typing.set(room, actor.userId, actor.username, typing);
        return { result: { room }, log: { room, typing } };
      }
      const to = await this.queryBus.execute(new FindOnlineUserQuery(target ?? ''));
      if (to === null) throw new DomainError('user_not_found', `${target ?? ''} is not online`);
      this.typing.setPrivate(to.userId, actor.userId, actor.username, typing);
      return { result: { target: to.username }, log: { to: to.username, typing } };
    });
  }

  private async change(actor: Actor, room: string, messageId: string, change: MessageChange, correlationId: string): Promise<Reply> {
    const message = await this.commandBus.execute(new ChangeMessageCommand(actor, room, messageId, change, { correlationId }));
    return { result: { message: messagePayload(message) }, log: { room, messageId, change: change.kind } };
  }
}
