import { Injectable, Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';
import type { Actor, CommandContext } from '../../application/context';
import { IdGenerator } from '../../application/ports/id-generator.port';
import { UsersReadModel } from '../../application/read-models/users.read-model';
import { toClientError } from '../client-error';
import type { Identity } from '../identity.service';
import { Metrics } from '../metrics';
import { ClientLimits, UNKNOWN_EVENT } from './client-limits';

export type AckFn = ((response: unknown) => void) | undefined;
export type Reply = { result: Record<string, unknown>; log?: Record<string, unknown> };
/** What a connected socket keeps of its identity: who it is, and which token it came with (for a sign-out). */
export type SocketIdentity = Pick<Identity, 'actor' | 'tokenId'>;
export type ChatSocket = Socket & { data: { identity: SocketIdentity; address: string } };

/**
 * Runs one client event for every gateway: rate limits, the current identity, the answer (ack, or
 * an `error` event without one), metrics, and one log line with outcome and duration.
 */
@Injectable()
export class ClientEventPipeline {
  private readonly logger = new Logger('ChatGateway');

  constructor(
    private readonly users: UsersReadModel,
    private readonly ids: IdGenerator,
    private readonly limits: ClientLimits,
    private readonly metrics: Metrics,
  ) {}

  async run(socket: ChatSocket, event: string, ack: AckFn, work: (actor: Actor, context: CommandContext) => Promise<Reply>): Promise<void> {
    const started = performance.now();
    const context = this.context();
    const { actor } = socket.data.identity;
    const { userId } = actor;
    try {
      await this.limits.check(socket.id, userId, event);
      // The name changes while connected when the guest registers an account; the online name is the current one.
      const username = this.users.onlineUsername(userId) ?? actor.username;
      const { result, log } = await work({ userId, username }, context);
      const ms = elapsed(started);
      this.metrics.commandDuration.observe({ event, outcome: 'ok' }, ms / 1000);
      this.logger.log({ event, socketId: socket.id, userId, username: actor.username, ...log, outcome: 'ok', ms }, event);
      if (typeof ack === 'function') ack({ ok: true, ...result });
    } catch (error) {
      const { internal, ...rejection } = toClientError(error);
      const ms = elapsed(started);
      this.metrics.commandDuration.observe({ event, outcome: 'rejected' }, ms / 1000);
      this.metrics.rejections.inc({ code: rejection.code });
      const line = { event, ...this.who(socket), outcome: 'rejected', code: rejection.code, ms, correlationId: context.correlationId };
      if (internal) this.logger.error({ ...line, err: error }, `${event} failed`);
      else this.logger.warn({ ...line, reason: rejection.message }, `${event} rejected`);
      this.refuse(socket, event, ack, rejection);
    }
  }

  /**
   * An event no gateway handles: ignored, but it draws on a bucket of its own, so a socket flooding
   * such events is refused with rate_limited and, if it keeps on, disconnected like any flooder.
   */
  async unknownEvent(socket: ChatSocket, event: string, ack: AckFn): Promise<void> {
    if (socket.data.identity === undefined) return;
    try {
      await this.limits.check(socket.id, socket.data.identity.actor.userId, UNKNOWN_EVENT);
    } catch (error) {
      const { internal, ...rejection } = toClientError(error);
      // Not the event's name as a label: a client could make up any number of them.
      this.metrics.rejections.inc({ code: rejection.code });
      const line = { event: UNKNOWN_EVENT, ...this.who(socket), outcome: 'rejected', code: rejection.code };
      if (internal) this.logger.error({ ...line, err: error }, 'unknown event failed');
      else this.logger.warn({ ...line, reason: rejection.message }, 'unknown event rejected');
      this.refuse(socket, event.slice(0, 100), ack, rejection);
    }
  }

  /** Answers a refusal (the ack, or an `error` event without one), and disconnects a socket that keeps flooding. */
  private refuse(socket: ChatSocket, event: string, ack: AckFn, rejection: { code: string }): void {
    if (typeof ack === 'function') ack({ ok: false, error: rejection });
    else socket.emit('error', { ...rejection, event });
    if (rejection.code === 'rate_limited' && this.limits.floodedBy(socket.id)) {
      this.logger.warn({ ...this.who(socket), outcome: 'disconnected', code: 'flooding' }, 'flooding socket disconnected');
      socket.disconnect(true);
    }
  }

  context(): CommandContext {
    return { correlationId: this.ids.id() };
  }

  who(socket: ChatSocket): Record<string, string> {
    const { actor } = socket.data.identity;
    return { socketId: socket.id, userId: actor.userId, username: actor.username };
  }
}

export const elapsed = (started: number): number => Math.round((performance.now() - started) * 1000) / 1000;
