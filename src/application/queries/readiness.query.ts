import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EventStore } from '../ports/event-store.port';
import { ProjectionRunner } from '../projection-runner';

export interface Readiness {
  readonly ready: boolean;
  readonly head?: number;
  readonly projected: number;
  readonly reason?: string;
}

/** Ready when the event store answers and the read models have caught up with it. */
export class GetReadinessQuery {}

@QueryHandler(GetReadinessQuery)
export class GetReadinessHandler implements IQueryHandler<GetReadinessQuery, Readiness> {
  constructor(
    private readonly store: EventStore,
    private readonly projections: ProjectionRunner,
  ) {}

  async execute(): Promise<Readiness> {
    const projected = this.projections.caughtUpTo;
    try {
      const head = await this.store.headPosition();
      return projected >= head
        ? { ready: true, head, projected }
        : { ready: false, head, projected, reason: 'read models are catching up' };
    } catch (error) {
      return { ready: false, projected, reason: `event store unreachable: ${(error as Error).message}` };
    }
  }
}
