import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { roomDecider, roomStream } from '../../domain/room/room.decider';
import type { Actor, CommandContext } from '../context';
import { CommandExecutor } from '../command-executor';
import { IdGenerator } from '../ports/id-generator.port';
import { RoomsReadModel, type MessageView } from '../read-models/rooms.read-model';
import { RoomHistory } from '../room-history';
import { FileCatalog } from '../file-catalog';
import { shareAttachment } from './attachment';
import { RoomRulesProvider } from '../room-rules.provider';

export class SendMessageCommand extends Command<MessageView> {
  constructor(
    readonly actor: Actor,
    readonly room: string,
    readonly text: string,
    readonly clientId: string | undefined,
    readonly context: CommandContext,
    readonly fileId?: string,
  ) {
    super();
  }
}

/** Returns the stored message; a resend with a known clientId returns the original one, and stores nothing. */
@CommandHandler(SendMessageCommand)
export class SendMessageHandler implements ICommandHandler<SendMessageCommand> {
  private readonly decider;

  constructor(
    private readonly executor: CommandExecutor,
    private readonly ids: IdGenerator,
    private readonly rooms: RoomsReadModel,
    private readonly history: RoomHistory,
    private readonly files: FileCatalog,
    rules: RoomRulesProvider,
  ) {
    this.decider = roomDecider(rules.rules);
  }

  async execute({ actor, room, text, clientId, context, fileId }: SendMessageCommand): Promise<MessageView> {
    const messageId = this.ids.id();
    const attachment = await shareAttachment(this.executor, this.files, actor, fileId, context);
    const data = {
      room,
      userId: actor.userId,
      username: actor.username,
      messageId,
      text,
      ...(attachment !== undefined ? { attachment } : {}),
    };
    await this.executor.execute(
      roomStream(room),
      this.decider,
      { type: 'SendMessage', data: clientId === undefined ? data : { ...data, clientId } },
      context,
    );
    // A resend answers with the message first sent with that client id, however old.
    const sent =
      clientId === undefined ? this.rooms.message(room, messageId) : await this.history.sentWithClientId(room, actor.userId, clientId);
    if (sent === undefined) throw new Error(`Message ${messageId} is missing`);
    return sent;
  }
}
