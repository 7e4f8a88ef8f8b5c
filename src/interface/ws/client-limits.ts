import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../application/ports/app-config';
import { Clock } from '../../application/ports/clock.port';
import { RateLimitedError, RateLimiter, type RateRule } from '../../application/ports/rate-limiter.port';
import { TokenBuckets } from '../../application/token-buckets';
import { Metrics } from '../metrics';

const FLOOD_WINDOW_MS = 10_000;

/** The bucket every event no gateway handles draws from (parsed, then ignored, but never free). */
export const UNKNOWN_EVENT = '(unknown event)';

/**
 * The limits every client event and connection passes (not a Nest guard: the client-event pipeline
 * calls it). Token buckets per connection (here) and per user (the RateLimiter port, shared by the cluster),
 * a cap on connections per address, and disconnection of a socket that keeps flooding.
 */
@Injectable()
export class ClientLimits implements OnApplicationShutdown {
  private readonly perConnection: TokenBuckets;
  private readonly floods = new Map<string, { count: number; since: number }>();
  private readonly connectionsPerAddress = new Map<string, number>();
  /** Socket id → the address whose slot it holds: a slot is released once, whichever way the socket ends. */
  private readonly slots = new Map<string, string>();
  private readonly rules: Record<string, RateRule>;

  constructor(
    private readonly config: AppConfig,
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {
    this.perConnection = new TokenBuckets(() => clock.now().getTime());
    const { messages, joins, privateMessages } = config.rateLimits;
    this.rules = {
      message: messages,
      edit_message: messages,
      delete_message: messages,
      react: messages,
      private_message: privateMessages,
      read: messages,
      // A catch-up answers up to 500 messages: as dear as a join's history.
      private_sync: joins,
      join: joins,
      leave: joins,
      // Rooms and their moderation: a person's pace, not a script's.
      create_room: config.rateLimits.registrations,
      create_invite: joins,
      set_topic: joins,
      archive_room: joins,
      set_role: joins,
      kick: joins,
      ban: joins,
      unban: joins,
      mute: joins,
      unmute: joins,
      remove_message: messages,
      slow_mode: joins,
      // Typing updates come with keystrokes; the client throttles, this only stops floods.
      typing: { perSecond: Math.max(4, messages.perSecond), burst: Math.max(20, messages.burst) },
      [UNKNOWN_EVENT]: messages,
    };
  }

  /** Takes one token for `event` from the connection's and the user's buckets, or throws RateLimitedError. */
  async check(connectionId: string, userId: string, event: string): Promise<void> {
    // Events without a rule of their own share one bucket: `release` forgets every bucket it knows.
    const name = Object.hasOwn(this.rules, event) ? event : UNKNOWN_EVENT;
    const rule = this.rules[name]!;
    const local = this.perConnection.take(`${connectionId}:${name}`, rule);
    const shared = local.allowed ? await this.limiter.consume(`${userId}:${name}`, rule) : local;
    if (!shared.allowed) throw new RateLimitedError(shared.retryAfterMs);
  }

  /** Counts a rejection for flooding; true when the socket should be disconnected. */
  floodedBy(connectionId: string): boolean {
    const now = this.clock.now().getTime();
    const flood = this.floods.get(connectionId);
    if (flood === undefined || now - flood.since > FLOOD_WINDOW_MS) {
      this.floods.set(connectionId, { count: 1, since: now });
      return false;
    }
    flood.count++;
    return flood.count > 3 * this.config.rateLimits.messages.burst;
  }

  /** Admits one more connection from `address` for the socket `connectionId`, or false when it has too many. */
  admit(address: string, connectionId: string): boolean {
    const open = this.connectionsPerAddress.get(address) ?? 0;
    if (open >= this.config.maxConnectionsPerIp) return false;
    this.connectionsPerAddress.set(address, open + 1);
    this.slots.set(connectionId, address);
    this.metrics.connectionSlots.set(this.slots.size);
    return true;
  }

  /** Frees the socket's slot and forgets its buckets; a second call for the same socket does nothing. */
  release(connectionId: string): void {
    const address = this.slots.get(connectionId);
    if (address === undefined) return;
    this.slots.delete(connectionId);
    this.metrics.connectionSlots.set(this.slots.size);
    const open = (this.connectionsPerAddress.get(address) ?? 1) - 1;
    if (open <= 0) this.connectionsPerAddress.delete(address);
    else this.connectionsPerAddress.set(address, open);
    this.floods.delete(connectionId);
    for (const event of Object.keys(this.rules)) this.perConnection.forget(`${connectionId}:${event}`);
  }

  onApplicationShutdown(): void {
    this.floods.clear();
  }
}
