import { Controller, Get, Header, Headers, HttpException, HttpStatus, Injectable, Res } from '@nestjs/common';
import type { Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../application/ports/app-config';
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
  readonly connectionSlots = new Gauge({
    name: 'chat_connection_slots',
    help: 'Connections counted against MAX_CONNECTIONS_PER_IP on this node (handshakes in progress included)',
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

/** Compares in constant time, so the answer's timing says nothing of how much of the token was right. */
const sameToken = (offered: string, expected: string): boolean => {
  const a = createHash('sha256').update(offered).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
};

@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(@Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) res: Response): Promise<string> {
    const token = this.config.metricsToken;
    if (token !== undefined) {
      const offered = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
      if (offered === undefined || !sameToken(offered, token)) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        throw new HttpException(
          { error: { code: 'unauthorized', message: 'Metrics need Authorization: Bearer <METRICS_TOKEN>' } },
          HttpStatus.UNAUTHORIZED,
        );
      }
    }
    return this.metrics.registry.metrics();
  }
}
