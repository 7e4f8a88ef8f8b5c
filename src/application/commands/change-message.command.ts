import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { RoomCommand } from '../../domain/room/room.commands';
import { roomDecider, roomStream } from '../../domain/room/room.decider';
import { sessionDecider, sessionStream } from '../../domain/session/session.decider';
import { DomainError } from '../../domain/shared/domain-error';
import { AppConfig } from '../ports/app-config';
import { PrivateHistory } from '../private-history';
import type { PrivateMessageView } from '../read-models/users.read-model';
import { UserDirectory } from '../user-directory';
import type { Actor, CommandContext } from '../context';
import { CommandExecutor } from '../command-executor';
import type { MessageView } from '../read-models/rooms.read-model';
import { RoomHistory } from '../room-history';
import { RoomRulesProvider } from '../room-rules.provider';
import { Clock } from '../ports/clock.port';

export type MessageChange = { kind: 'edit'; text: string } | { kind: 'delete' } | { kind: 'react'; emoji: string };

/** An edit, a delete or a reaction toggle on one message; answers with the message as it now is. */
export class ChangeMessageCommand extends Command<MessageView> {
  constructor(
    readonly actor: Actor,
    readonly room: string,
    readonly messageId: string,
    readonly change: MessageChange,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ChangeMessageCommand)
export class ChangeMessageHandler implements ICommandHandler<ChangeMessageCommand> {
  private readonly decider;

  constructor(
    private readonly executor: CommandExecutor,
    private readonly history: RoomHistory,
    private readonly clock: Clock,
    rules: RoomRulesProvider,
  ) {
    this.decider = roomDecider(rules.rules);
  }

  async execute({ actor, room, messageId, change, context }: ChangeMessageCommand): Promise<MessageView> {
    // The message's facts as of the version the command is decided on, in the room's turn.
    const command = async ({ version }: { version: number }): Promise<RoomCommand> => {
      const message = await this.history.facts(room, messageId, version);
      const target = { room, userId: actor.userId, messageId, message, now: this.clock.now().getTime() };
      return change.kind === 'edit'
        ? { type: 'EditMessage', data: { ...target, text: change.text } }
        : change.kind === 'delete'
          ? { type: 'DeleteMessage', data: target }
          : { type: 'ToggleReaction', data: { ...target, username: actor.username, emoji: change.emoji } };
    };
    await this.executor.execute(roomStream(room), this.decider, command, context);
    const message = await this.history.message(room, messageId);
    if (message === undefined) throw new Error(`Message ${messageId} is missing`);
    return message;
  }
}

/** An edit, a delete or a reaction toggle on one message of the private conversation with `withName`; answers with the message as it now is. */
export class ChangePrivateMessageCommand extends Command<PrivateMessageView> {
  constructor(
    readonly actor: Actor,
    readonly withName: string,
    readonly messageId: string,
    readonly change: MessageChange,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/**
 * Decided in the actor's session stream with the message's facts from the store (its events in the
 * two users' streams): the author's edits and deletes, either side's reactions. Two changes at once
 * on two streams are not ordered against each other; the fold is the same in any order, except that
 * nothing changes a deleted message.
 */
@CommandHandler(ChangePrivateMessageCommand)
export class ChangePrivateMessageHandler implements ICommandHandler<ChangePrivateMessageCommand> {
  private readonly decider;

  constructor(
    private readonly executor: CommandExecutor,
    private readonly directory: UserDirectory,
    private readonly history: PrivateHistory,
    config: AppConfig,
  ) {
    this.decider = sessionDecider({ maxMessageLength: config.maxMessageLength });
  }

  async execute({ actor, withName, messageId, change, context }: ChangePrivateMessageCommand): Promise<PrivateMessageView> {
    const other = await this.directory.known(withName);
    if (other === undefined) throw new DomainError('user_not_found', `No user named ${withName}`);
    const message = await this.history.facts(actor.userId, other.userId, messageId);
    await this.executor.execute(
      sessionStream(actor.userId),
      this.decider,
      { type: 'ChangePrivateMessage', data: { sessionId: actor.userId, messageId, message, change } },
      context,
    );
    const view = await this.history.message(actor.userId, other.userId, messageId);
    if (view === undefined) throw new Error(`Private message ${messageId} is missing`);
    return view;
  }
}
