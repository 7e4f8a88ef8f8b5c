import type { RateRule } from './rate-limiter.port';

export type EventStoreConfig =
  /** `checkBeforeStartBytes`: logs up to this size are checked for damage before the start; larger ones while serving. */
  { kind: 'sqlite'; file: string; checkBeforeStartBytes: number } | { kind: 'memory' } | { kind: 'postgres'; url: string };

export interface AppConfigValues {
  port: number;
  host: string;
  secretKey: string;
  /** No SECRET_KEY was given: sessions will not survive a restart. */
  secretKeyGenerated: boolean;
  corsOrigins: '*' | string[];
  chatRooms: readonly string[];
  /** Account names of the server's admins, who moderate every room (`ADMIN_USERS`). */
  adminUsers: readonly string[];
  /** Rooms one account may own (admins: any number). */
  roomsPerAccount: number;
  /** Rooms with more members than this announce joins and leaves gathered per window, not one line each. */
  largeRoomMembers: number;
  dataDir: string;
  eventStore: EventStoreConfig;
  logLevel: string;
  maxMessageLength: number;
  /** How long a user keeps their rooms after their last connection closed. */
  presenceGraceMs: number;
  /** A guest last seen longer ago than this is no longer known: private messages to them answer `user_not_found` (0: only while online). */
  guestTtlDays: number;
  /** This process; unique per start, so a restarted node never takes over a dead one's connections. */
  nodeId: string;
  pretty: boolean;
  /** How many aggregate states (one per stream) the write path keeps in memory; the rest load from the store. */
  aggregateCacheSize: number;
  /** Messages per room and per private conversation the read models keep in memory; older pages are read from the store. */
  historyWindow: number;
  /** Save the read models' snapshot after this many events (0: only at a clean stop). */
  snapshotEvery: number;
  /** Ignore saved snapshots at start and rebuild everything from the log. */
  rebuild: boolean;
  /** Set: cluster mode (Socket.IO Redis adapter, node heartbeats in Redis). */
  redisUrl: string | undefined;
  /** Prefix of this cluster's Redis keys and channels, so clusters can share a Redis. */
  clusterName: string;
  /** A node that has not heartbeaten for this long is taken for dead. */
  nodeTimeoutMs: number;
  /** Token buckets per connection and per user, by kind of event. */
  rateLimits: {
    readonly messages: RateRule;
    readonly joins: RateRule;
    readonly privateMessages: RateRule;
    readonly signIns: RateRule;
    readonly registrations: RateRule;
    /** `GET /api/me/export`, per user. */
    readonly exports: RateRule;
  };
  maxConnectionsPerIp: number;
  /** Guests (new sessions) one client address may start per hour; resuming a session never counts. */
  guestsPerIp: number;
  /** Session tokens and cookies expire this many days after they were issued. */
  sessionMaxAgeDays: number;
  /** Largest file a user may upload, in bytes. */
  maxUploadBytes: number;
  /** Bytes a user may upload in a rolling day (a token bucket that refills over 24 h). */
  uploadQuotaBytes: number;
  /** Bytes one client address may upload in a rolling day, all its users together. */
  uploadQuotaBytesPerIp: number;
  /** A file not shared in a room or a private message this long after its upload is removed. */
  uploadTtlMs: number;
  /** Uploads one client address may have in flight at once on a node. */
  maxUploadsInFlightPerIp: number;
  /**
   * How many proxies in front are trusted (0: none). A client's address is the one the outermost
   * trusted proxy saw, as Express's numeric `trust proxy`; behind TLS, cookies become Secure.
   */
  trustProxy: number;
  /** Set: `/metrics` answers only requests with `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  /** Heap growth, in bytes, after which a quiet server collects its garbage and gives the free pages back (0: never). */
  heapTrimBytes: number;
}

/** Everything the server reads from its environment, validated once at start. Also the DI token. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class AppConfig {
  constructor(values: AppConfigValues) {
    Object.assign(this, values);
  }
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface AppConfig extends Readonly<AppConfigValues> {}
