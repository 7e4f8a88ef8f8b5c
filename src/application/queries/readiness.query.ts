import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EventStore } from '../ports/event-store.port';
import { NodeRegistry } from '../ports/node-registry.port';
import { ProjectionRunner } from '../projection-runner';

export interface Readiness {
  readonly ready: boolean;
  readonly head?: number;
  readonly projected: number;
  readonly reason?: string;
}

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error as Error);
      },
    );
  });

/** Ready when the event store and (in a cluster) Redis answer, and the read models have caught up. */
export class GetReadinessQuery extends Query<Readiness> {}

@QueryHandler(GetReadinessQuery)
export class GetReadinessHandler implements IQueryHandler<GetReadinessQuery> {
  constructor(
    private readonly store: EventStore,
    private readonly registry: NodeRegistry,
    private readonly projections: ProjectionRunner,
  ) {}

  async execute(): Promise<Readiness> {
    const projected = this.projections.caughtUpTo;
    let head: number;
    try {
      head = await this.store.headPosition();
    } catch (error) {
      return { ready: false, projected, reason: `event store unreachable: ${(error as Error).message}` };
    }
    try {
      await withTimeout(this.registry.aliveNodes(), 1000);
    } catch (error) {
      return { ready: false, head, projected, reason: `cluster registry unreachable: ${(error as Error).message}` };
    }
    return projected >= head ? { ready: true, head, projected } : { ready: false, head, projected, reason: 'read models are catching up' };
  }
}
