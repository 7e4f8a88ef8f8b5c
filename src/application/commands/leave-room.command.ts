import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { LeaveReason } from '../../domain/room/room.events';
import { roomDecider, roomStream } from '../../domain/room/room.decider';
import type { Actor, CommandContext } from '../context';
import { CommandExecutor } from '../command-executor';
import { RoomRulesProvider } from '../room-rules.provider';

export class LeaveRoomCommand extends Command<{ left: boolean }> {
  constructor(
    readonly actor: Pick<Actor, 'userId'> & Partial<Pick<Actor, 'username'>>,
    readonly room: string,
    readonly context: CommandContext,
    readonly reason: LeaveReason = 'left',
  ) {
    super();
  }
}

@CommandHandler(LeaveRoomCommand)
export class LeaveRoomHandler implements ICommandHandler<LeaveRoomCommand> {
  private readonly decider;

  constructor(
    private readonly executor: CommandExecutor,
    rules: RoomRulesProvider,
  ) {
    this.decider = roomDecider(rules.rules);
  }

  async execute({ actor, room, context, reason }: LeaveRoomCommand): Promise<{ left: boolean }> {
    const events = await this.executor.execute(
      roomStream(room),
      this.decider,
      {
        type: 'LeaveRoom',
        data: { room, userId: actor.userId, reason, ...(actor.username !== undefined ? { username: actor.username } : {}) },
      },
      context,
    );
    return { left: events.length > 0 };
  }
}
