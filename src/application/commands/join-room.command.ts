import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { roomDecider, roomStream } from '../../domain/room/room.decider';
import type { Actor, CommandContext } from '../context';
import { CommandExecutor } from '../command-executor';
import { RoomRulesProvider } from '../room-rules.provider';

export class JoinRoomCommand extends Command<{ joined: boolean }> {
  constructor(
    readonly actor: Actor,
    readonly room: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(JoinRoomCommand)
export class JoinRoomHandler implements ICommandHandler<JoinRoomCommand> {
  private readonly decider;

  constructor(
    private readonly executor: CommandExecutor,
    rules: RoomRulesProvider,
  ) {
    this.decider = roomDecider(rules.rules);
  }

  async execute({ actor, room, context }: JoinRoomCommand): Promise<{ joined: boolean }> {
    const events = await this.executor.execute(
      roomStream(room),
      this.decider,
      { type: 'JoinRoom', data: { room, userId: actor.userId, username: actor.username } },
      context,
    );
    return { joined: events.length > 0 };
  }
}
