import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { RoomCommand } from '../../domain/room/room.commands';
import { roomDecider, roomStream } from '../../domain/room/room.decider';
import type { Actor, CommandContext } from '../context';
import { CommandExecutor } from '../command-executor';
import type { MessageView } from '../read-models/rooms.read-model';
import { RoomHistory } from '../room-history';
import { RoomRulesProvider } from '../room-rules.provider';

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
    rules: RoomRulesProvider,
  ) {
    this.decider = roomDecider(rules.rules);
  }

  async execute({ actor, room, messageId, change, context }: ChangeMessageCommand): Promise<MessageView> {
    // The message's facts as of the version the command is decided on, in the room's turn.
    const command = async ({ version }: { version: number }): Promise<RoomCommand> => {
      const target = { room, userId: actor.userId, messageId, message: await this.history.facts(room, messageId, version) };
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
