import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { sessionDecider, sessionStream } from '../../domain/session/session.decider';
import type { Actor, CommandContext } from '../context';
import { CommandExecutor } from '../command-executor';
import { AppConfig } from '../ports/app-config';
import { IdGenerator } from '../ports/id-generator.port';
import { FilesReadModel } from '../read-models/files.read-model';
import { UsersReadModel, type PrivateMessageView } from '../read-models/users.read-model';
import { shareAttachment } from './attachment';

export class SendPrivateMessageCommand extends Command<PrivateMessageView> {
  constructor(
    readonly actor: Actor,
    readonly target: string,
    readonly text: string,
    readonly clientId: string | undefined,
    readonly context: CommandContext,
    readonly fileId?: string,
  ) {
    super();
  }
}

@CommandHandler(SendPrivateMessageCommand)
export class SendPrivateMessageHandler implements ICommandHandler<SendPrivateMessageCommand> {
  private readonly decider;

  constructor(
    private readonly executor: CommandExecutor,
    private readonly ids: IdGenerator,
    private readonly users: UsersReadModel,
    private readonly files: FilesReadModel,
    config: AppConfig,
  ) {
    this.decider = sessionDecider({ maxMessageLength: config.maxMessageLength });
  }

  async execute({ actor, target, text, clientId, context, fileId }: SendPrivateMessageCommand): Promise<PrivateMessageView> {
    const messageId = this.ids.id();
    const recipient = this.users.onlineUserNamed(target);
    const attachment = await shareAttachment(this.executor, this.files, actor, fileId, context);
    const data = {
      sessionId: actor.userId,
      messageId,
      text,
      ...(attachment !== undefined ? { attachment } : {}),
      target:
        recipient === undefined ? { userId: null, name: target } : { userId: recipient.userId, username: recipient.username, name: target },
    };
    await this.executor.execute(
      sessionStream(actor.userId),
      this.decider,
      { type: 'SendPrivateMessage', data: clientId === undefined ? data : { ...data, clientId } },
      context,
    );
    const sent =
      clientId === undefined
        ? this.users.privateMessage(actor.userId, messageId)
        : this.users.privateSentWithClientId(actor.userId, clientId);
    if (sent === undefined) throw new Error(`Private message ${messageId} is missing from the read model`);
    return sent;
  }
}
