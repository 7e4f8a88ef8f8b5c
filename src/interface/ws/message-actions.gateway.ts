import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { Ack, ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { ChangeMessageCommand, ChangePrivateMessageCommand, type MessageChange } from '../../application/commands/change-message.command';
import { MarkPrivateReadCommand, MarkReadCommand } from '../../application/commands/mark-read.command';
import type { Actor } from '../../application/context';
import { GetUserRoomsQuery } from '../../application/queries/rooms.queries';
import { FindOnlineUserQuery } from '../../application/queries/users.queries';
import { SyncPrivateConversationQuery } from '../../application/queries/private-conversations.query';
import { DomainError } from '../../domain/shared/domain-error';
import { ClientEventPipeline, type AckFn, type ChatSocket, type Reply } from './client-event-pipeline';
import { messagePayload, privateMessagePayload, privatePush } from './client-payloads';
import { DeleteMessageDto, EditMessageDto, PrivateSyncDto, ReactDto, ReadDto, TypingDto } from './dto/chat.dto';
import { TypingTracker } from './typing';
import { validatePayload } from './validate-payload';

type Where = { readonly room: string } | { readonly with: string };

/** A room or a person (a private conversation), exactly one: the DTOs require one, this refuses both. */
const where = ({ room, with: withName }: { room?: string; with?: string }): Where => {
  if (room !== undefined && withName !== undefined) throw new DomainError('invalid_payload', 'Give a room or a person (`with`), not both');
  return withName !== undefined ? { with: withName } : { room: room! };
};

/** The events added beside the seed protocol: edits, deletes, reactions, read markers, private catch-up and typing indicators. */
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
      const { messageId, msg, ...at } = validatePayload(EditMessageDto, body);
      return this.change(actor, where(at), messageId, { kind: 'edit', text: msg }, context.correlationId);
    });
  }

  @SubscribeMessage('delete_message')
  delete(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown, @Ack() ack: AckFn): Promise<void> {
    return this.pipeline.run(socket, 'delete_message', ack, (actor, context) => {
      const { messageId, ...at } = validatePayload(DeleteMessageDto, body);
      return this.change(actor, where(at), messageId, { kind: 'delete' }, context.correlationId);
    });
  }

  @SubscribeMessage('react')
  react(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown, @Ack() ack: AckFn): Promise<void> {
    return this.pipeline.run(socket, 'react', ack, (actor, context) => {
      const { messageId, emoji, ...at } = validatePayload(ReactDto, body);
      return this.change(actor, where(at), messageId, { kind: 'react', emoji }, context.correlationId);
    });
  }

  @SubscribeMessage('read')
  read(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown, @Ack() ack: AckFn): Promise<void> {
    return this.pipeline.run(socket, 'read', ack, async (actor, context) => {
      const { seq, ...at } = validatePayload(ReadDto, body);
      const target = where(at);
      if ('with' in target) {
        const outcome = await this.commandBus.execute(new MarkPrivateReadCommand(actor, target.with, seq, context));
        return { result: outcome, log: { with: outcome.with, seq, changed: outcome.changed } };
      }
      const { room } = target;
      const outcome = await this.commandBus.execute(new MarkReadCommand(actor, room, seq, context));
      return { result: outcome, log: { room, seq, changed: outcome.changed } };
    });
  }

  /** `private_sync {with, since}`: the private messages with `with` after `since`, oldest first, in the ack. */
  @SubscribeMessage('private_sync')
  privateSync(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown, @Ack() ack: AckFn): Promise<void> {
    return this.pipeline.run(socket, 'private_sync', ack, async (actor) => {
      const { with: withName, since } = validatePayload(PrivateSyncDto, body);
      const sync = await this.queryBus.execute(new SyncPrivateConversationQuery(actor.userId, withName, since));
      if (sync === 'user_not_found') throw new DomainError('user_not_found', `No user named ${withName}`);
      const changes = sync.changes.map(privatePush);
      return {
        result: { with: sync.with, changes, cursor: sync.cursor, hasMore: sync.hasMore },
        log: { with: sync.with, since, changes: changes.length },
      };
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

  private async change(actor: Actor, at: Where, messageId: string, change: MessageChange, correlationId: string): Promise<Reply> {
    if ('with' in at) {
      const message = await this.commandBus.execute(new ChangePrivateMessageCommand(actor, at.with, messageId, change, { correlationId }));
      return { result: { message: privateMessagePayload(message) }, log: { with: at.with, messageId, change: change.kind } };
    }
    const { room } = at;
    const message = await this.commandBus.execute(new ChangeMessageCommand(actor, room, messageId, change, { correlationId }));
    return { result: { message: messagePayload(message) }, log: { room, messageId, change: change.kind } };
  }
}
