import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { sessionDecider, sessionStream } from '../../domain/session/session.decider';
import type { PrivateMessageSent } from '../../domain/session/session.events';
import { DomainError } from '../../domain/shared/domain-error';
import type { Actor, CommandContext } from '../context';
import { CommandExecutor } from '../command-executor';
import { AppConfig } from '../ports/app-config';
import { IdGenerator } from '../ports/id-generator.port';
import { FileCatalog } from '../file-catalog';
import type { RecordedEvent } from '../ports/event-store.port';
import { PrivateHistory } from '../private-history';
import { toPrivateMessageView, type PrivateMessageView } from '../read-models/users.read-model';
import { UserDirectory } from '../user-directory';
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

/**
 * To a user online or known (`UserDirectory.recipient`); returns the stored message. A resend with a client id the sender already used returns the original
 * one, however old, even once the target went offline, and stores nothing (the store refuses it).
 */
@CommandHandler(SendPrivateMessageCommand)
export class SendPrivateMessageHandler implements ICommandHandler<SendPrivateMessageCommand> {
  private readonly decider;

  constructor(
    private readonly executor: CommandExecutor,
    private readonly ids: IdGenerator,
    private readonly directory: UserDirectory,
    private readonly history: PrivateHistory,
    private readonly files: FileCatalog,
    config: AppConfig,
  ) {
    this.decider = sessionDecider({ maxMessageLength: config.maxMessageLength });
  }

  async execute({ actor, target, text, clientId, context, fileId }: SendPrivateMessageCommand): Promise<PrivateMessageView> {
    const messageId = this.ids.orderedId();
    // Online, or known and offline: they get it when they come back.
    const recipient = await this.directory.recipient(target);
    const attachment = await shareAttachment(this.executor, this.files, actor, fileId, context);
    const data = {
      sessionId: actor.userId,
      messageId,
      text,
      ...(attachment !== undefined ? { attachment } : {}),
      target:
        recipient === undefined ? { userId: null, name: target } : { userId: recipient.userId, username: recipient.username, name: target },
    };
    let recorded: RecordedEvent[];
    try {
      recorded = await this.executor.execute(
        sessionStream(actor.userId),
        this.decider,
        { type: 'SendPrivateMessage', data: clientId === undefined ? data : { ...data, clientId } },
        context,
      );
    } catch (error) {
      // The target is gone, but this may be the resend of a message that reached them.
      const resent =
        clientId !== undefined && error instanceof DomainError && error.code === 'user_not_found'
          ? await this.history.sentWithClientId(actor.userId, clientId)
          : undefined;
      if (resent === undefined) throw error;
      return resent;
    }
    const stored = recorded.find((event): event is RecordedEvent<PrivateMessageSent> => event.type === 'PrivateMessageSent');
    if (stored !== undefined) return toPrivateMessageView(stored);
    // Nothing stored: a resend, answered with the message first sent with that client id.
    const sent = clientId === undefined ? undefined : await this.history.sentWithClientId(actor.userId, clientId);
    if (sent === undefined) throw new Error(`Private message ${messageId} is missing`);
    return sent;
  }
}
