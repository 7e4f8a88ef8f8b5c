import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { roomDecider, roomStream } from '../../domain/room/room.decider';
import type { Actor, CommandContext } from '../context';
import { CommandExecutor, type CommandSource } from '../command-executor';
import { IdGenerator } from '../ports/id-generator.port';
import { RoomsReadModel, type MessageView } from '../read-models/rooms.read-model';
import { RoomHistory } from '../room-history';
import { FileCatalog } from '../file-catalog';
import { shareAttachment } from './attachment';
import { RoomRulesProvider } from '../room-rules.provider';
import { RoomAuthority } from '../room-authority';
import { Clock } from '../ports/clock.port';
import type { SendMessage } from '../../domain/room/room.commands';

export class SendMessageCommand extends Command<MessageView> {
  constructor(
    readonly actor: Actor,
    readonly room: string,
    readonly text: string,
    readonly clientId: string | undefined,
    readonly context: CommandContext,
    readonly fileId?: string,
    /** The id of the message of the room it answers. */
    readonly replyTo?: string,
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
    private readonly authority: RoomAuthority,
    private readonly clock: Clock,
    rules: RoomRulesProvider,
  ) {
    this.decider = roomDecider(rules.rules);
  }

  async execute({ actor, room, text, clientId, context, fileId, replyTo }: SendMessageCommand): Promise<MessageView> {
    const messageId = this.ids.orderedId();
    const attachment = await shareAttachment(this.executor, this.files, actor, fileId, context);
    // Only admins pass slow mode by standing alone; only a name on `ADMIN_USERS` needs its session read.
    const admin = this.authority.mayBeAdmin(actor.username) && (await this.authority.isAdmin(actor.userId));
    const data: SendMessage['data'] = {
      room,
      userId: actor.userId,
      username: actor.username,
      messageId,
      text,
      now: this.clock.now().getTime(),
      admin,
      ...(attachment !== undefined ? { attachment } : {}),
      ...(clientId !== undefined ? { clientId } : {}),
    };
    const command: CommandSource<SendMessage> =
      replyTo === undefined
        ? { type: 'SendMessage', data }
        : // The answered message's facts as of the version the command is decided on (it also holds it, for the quote).
          async ({ version }) => ({
            type: 'SendMessage',
            data: { ...data, replyTo: { messageId: replyTo, message: await this.history.facts(room, replyTo, version) } },
          });
    await this.executor.execute(roomStream(room), this.decider, command, context);
    // A resend answers with the message first sent with that client id, however old. A busy room may
    // have pushed the message out of the window before this answer: then it is read from the store.
    const sent =
      clientId === undefined
        ? (this.rooms.message(room, messageId) ?? (await this.history.message(room, messageId)))
        : await this.history.sentWithClientId(room, actor.userId, clientId);
    if (sent === undefined) throw new Error(`Message ${messageId} is missing`);
    return sent;
  }
}
