import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { readRefusal, sessionDecider, sessionStream } from '../../domain/session/session.decider';
import { DomainError } from '../../domain/shared/domain-error';
import type { Actor, CommandContext } from '../context';
import { CommandExecutor } from '../command-executor';
import { AppConfig } from '../ports/app-config';
import { RoomsReadModel } from '../read-models/rooms.read-model';

export type ReadOutcome = {
  readonly room: string;
  /** The marker after the command. */
  readonly readSeq: number;
  readonly changed: boolean;
  /** Why nothing changed. */
  readonly reason?: 'not_newer' | 'beyond_newest';
};

/** `read {room, seq}`: the user has read the room up to message `seq`. */
export class MarkReadCommand extends Command<ReadOutcome> {
  constructor(
    readonly actor: Actor,
    readonly room: string,
    readonly seq: number,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(MarkReadCommand)
export class MarkReadHandler implements ICommandHandler<MarkReadCommand> {
  private readonly decider;

  constructor(
    private readonly executor: CommandExecutor,
    private readonly rooms: RoomsReadModel,
    config: AppConfig,
  ) {
    this.decider = sessionDecider({ maxMessageLength: config.maxMessageLength });
  }

  async execute({ actor, room, seq, context }: MarkReadCommand): Promise<ReadOutcome> {
    if (!this.rooms.has(room)) throw new DomainError('unknown_room', `No room named ${room}`);
    if (!this.rooms.roomsOf(actor.userId).includes(room)) throw new DomainError('not_a_member', `Join ${room} before marking it read`);
    const stream = sessionStream(actor.userId);
    const command = { type: 'MarkRead' as const, data: { sessionId: actor.userId, room, seq, newest: this.rooms.bounds(room).last } };
    const events = await this.executor.execute(stream, this.decider, command, context);
    if (events.length > 0) return { room, readSeq: seq, changed: true };
    const { state } = await this.executor.state(stream, this.decider);
    const readSeq = state.status === 'Active' ? (state.readSeq.get(room) ?? 0) : 0;
    const reason = readRefusal(state, command) ?? 'not_newer';
    return { room, readSeq, changed: false, reason };
  }
}
