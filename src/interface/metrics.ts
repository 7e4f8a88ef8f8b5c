import { Controller, Get, Header, Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { GetReadinessQuery } from '../application/queries/readiness.query';
import { GetActiveUsersQuery } from '../application/queries/users.queries';

/** Prometheus metrics of this process (one registry per application, not the global one). */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  readonly connectedSockets = new Gauge({
    name: 'chat_connected_sockets',
    help: 'Socket.IO connections open on this node',
    registers: [this.registry],
  });
  readonly eventsAppended = new Counter({
    name: 'chat_events_appended_total',
    help: 'Events this node appended to the log, by type',
    labelNames: ['type'],
    registers: [this.registry],
  });
  readonly commandDuration = new Histogram({
    name: 'chat_command_duration_seconds',
    help: 'Time to handle a client event, by event and outcome',
    labelNames: ['event', 'outcome'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly rejections = new Counter({
    name: 'chat_rejections_total',
    help: 'Client events rejected, by error code',
    labelNames: ['code'],
    registers: [this.registry],
  });

  constructor(queryBus: QueryBus) {
    collectDefaultMetrics({ register: this.registry, prefix: 'chat_' });
    new Gauge({
      name: 'chat_online_users',
      help: 'Users online in the cluster',
      registers: [this.registry],
      async collect() {
        this.set((await queryBus.execute(new GetActiveUsersQuery())).length);
      },
    });
    new Gauge({
      name: 'chat_projection_lag_events',
      help: 'Events in the log not yet applied to the read models of this node',
      registers: [this.registry],
      async collect() {
        const readiness = await queryBus.execute(new GetReadinessQuery());
        this.set(readiness.head === undefined ? Number.NaN : Math.max(0, readiness.head - readiness.projected));
      },
    });
  }
}

@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
