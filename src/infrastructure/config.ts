import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { AppConfig, type EventStoreConfig } from '../application/ports/app-config';
import type { RateRule } from '../application/ports/rate-limiter.port';
import { DEFAULT_MAX_MESSAGE_LENGTH } from '../domain/shared/message-text';

export const DEFAULT_ROOMS = ['General', 'Zero to Knowing', 'Code with Josh', 'The Nerd Nook'];
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** A configuration value is wrong; the message names the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const integer = (env: Env, name: string, fallback: number, min: number, max: number): number => {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `expected a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
};

const rooms = (env: Env): string[] => {
  const raw = env.CHAT_ROOMS;
  if (raw === undefined || raw.trim() === '') return DEFAULT_ROOMS;
  const names = raw.split(',').map((name) => name.trim());
  if (names.some((name) => name === '' || name.length > 64)) {
    throw new ConfigError('CHAT_ROOMS', 'expected comma-separated room names of 1 to 64 characters');
  }
  if (new Set(names).size !== names.length) throw new ConfigError('CHAT_ROOMS', 'room names must be unique');
  return names;
};

/** `ADMIN_USERS`: account names, comma-separated; none by default. */
const admins = (env: Env): string[] => {
  const names = (env.ADMIN_USERS ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.some((name) => name.length > 64)) throw new ConfigError('ADMIN_USERS', 'expected comma-separated account names');
  return names;
};

const eventStore = (env: Env, dataDir: string): EventStoreConfig => {
  const raw = env.EVENT_STORE?.trim() || 'sqlite';
  if (raw === 'sqlite') {
    const checkBeforeStartBytes = integer(env, 'SQLITE_CHECK_BEFORE_START_MB', 256, 0, 1_000_000) * 1024 * 1024;
    return { kind: 'sqlite', file: join(dataDir, 'events.sqlite'), checkBeforeStartBytes };
  }
  if (raw === 'memory') return { kind: 'memory' };
  if (/^postgres(ql)?:\/\//.test(raw)) return { kind: 'postgres', url: raw };
  throw new ConfigError('EVENT_STORE', `expected "sqlite", "memory" or a postgres:// URL, got "${raw}"`);
};

const corsOrigins = (env: Env): '*' | string[] => {
  const raw = env.CORS_ORIGINS?.trim();
  if (raw === undefined || raw === '' || raw === '*') return '*';
  const origins = raw.split(',').map((origin) => origin.trim());
  for (const origin of origins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin))
      throw new ConfigError('CORS_ORIGINS', `"${origin}" is not an origin like https://chat.example.com`);
  }
  return origins;
};

const redisUrl = (env: Env): string | undefined => {
  const raw = env.REDIS_URL?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (!/^rediss?:\/\/\S+$/.test(raw)) throw new ConfigError('REDIS_URL', `expected a redis:// or rediss:// URL, got "${raw}"`);
  return raw;
};

const clusterName = (env: Env): string => {
  const raw = env.CLUSTER_NAME?.trim() || 'chat';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(raw)) throw new ConfigError('CLUSTER_NAME', 'expected 1 to 64 letters, digits, ".", "_" or "-"');
  return raw;
};

const rate = (env: Env, name: string, fallback: RateRule): RateRule => {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const match = /^(\d+(?:\.\d+)?),(\d+)$/.exec(raw);
  if (match === null || Number(match[1]) <= 0 || Number(match[2]) < 1) {
    throw new ConfigError(name, `expected "<per second>,<burst>" such as "5,10", got "${raw}"`);
  }
  return { perSecond: Number(match[1]), burst: Number(match[2]) };
};

/** How many proxies in front to trust: `true` is one (a TLS terminator), `false` none. */
const trustProxy = (env: Env): number => {
  const raw = env.TRUST_PROXY?.trim().toLowerCase();
  if (raw === undefined || raw === '' || raw === 'false') return 0;
  if (raw === 'true') return 1;
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  throw new ConfigError('TRUST_PROXY', `expected true, false or the number of proxies in front, got "${raw}"`);
};

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration: a whole number of seconds, or with a unit, as `500ms`, `90s`, `30m`, `1h`, `2d`. */
const duration = (env: Env, name: string, fallbackMs: number): number => {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallbackMs;
  const match = /^(\d{1,9})(ms|s|m|h|d)?$/.exec(raw);
  const ms = match === null ? 0 : Number(match[1]) * DURATION_UNITS[match[2] ?? 's']!;
  if (ms < 1 || ms > 365 * DURATION_UNITS.d!)
    throw new ConfigError(name, `expected seconds or a duration such as "1h", "30m", "500ms", got "${raw}"`);
  return ms;
};

/** Values copied from examples and tutorials: anyone can read them, so they sign nothing. */
const PLACEHOLDER_SECRET = /change[\s_-]*me|replace[\s_-]*me|your[\s_-]*secret|^(secret|password|default|example|test|dev)([\s_-]*key)?$/i;

const flag = (env: Env, name: string): boolean => {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new ConfigError(name, `expected true or false, got "${raw}"`);
};

const metricsToken = (env: Env): string | undefined => {
  const token = env.METRICS_TOKEN?.trim();
  if (token === undefined || token === '') return undefined;
  if (token.length < 16) throw new ConfigError('METRICS_TOKEN', 'must be at least 16 characters');
  return token;
};

/** Reads and validates the whole configuration, or throws a ConfigError naming the variable. */
export const loadConfig = (env: Env = process.env): AppConfig => {
  const secret = env.SECRET_KEY;
  if (secret !== undefined && secret.length > 0 && secret.length < 16) {
    throw new ConfigError('SECRET_KEY', 'must be at least 16 characters');
  }
  if (secret !== undefined && PLACEHOLDER_SECRET.test(secret.trim())) {
    throw new ConfigError('SECRET_KEY', 'is a placeholder from an example; set a long random value (openssl rand -hex 32)');
  }
  const logLevel = env.LOG_LEVEL?.trim() || 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', `expected one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  const host = env.HOST?.trim() || '0.0.0.0';
  const dataDir = resolve(env.DATA_DIR?.trim() || './data');
  return new AppConfig({
    port: integer(env, 'PORT', 5000, 0, 65535),
    host,
    secretKey: secret || randomBytes(32).toString('hex'),
    secretKeyGenerated: !secret,
    corsOrigins: corsOrigins(env),
    chatRooms: rooms(env),
    adminUsers: admins(env),
    roomsPerAccount: integer(env, 'ROOMS_PER_ACCOUNT', 10, 0, 10_000),
    largeRoomMembers: integer(env, 'LARGE_ROOM_MEMBERS', 50, 0, 1_000_000),
    dataDir,
    eventStore: eventStore(env, dataDir),
    logLevel,
    maxMessageLength: integer(env, 'MAX_MESSAGE_LENGTH', DEFAULT_MAX_MESSAGE_LENGTH, 1, 100_000),
    presenceGraceMs: integer(env, 'PRESENCE_GRACE_MS', 3000, 0, 600_000),
    guestTtlDays: integer(env, 'GUEST_TTL_DAYS', 30, 0, 36_500),
    aggregateCacheSize: integer(env, 'AGGREGATE_CACHE_SIZE', 10_000, 1, 10_000_000),
    historyWindow: integer(env, 'HISTORY_WINDOW', 200, 1, 1_000_000),
    snapshotEvery: integer(env, 'SNAPSHOT_EVERY', 10_000, 0, 100_000_000),
    rebuild: flag(env, 'REBUILD'),
    nodeId: env.NODE_ID?.trim() || `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    pretty: env.NODE_ENV === 'development',
    redisUrl: redisUrl(env),
    clusterName: clusterName(env),
    nodeTimeoutMs: integer(env, 'NODE_TIMEOUT_MS', 6000, 1_000, 600_000),
    rateLimits: {
      messages: rate(env, 'RATE_LIMIT_MESSAGES', { perSecond: 5, burst: 10 }),
      joins: rate(env, 'RATE_LIMIT_JOINS', { perSecond: 2, burst: 10 }),
      privateMessages: rate(env, 'RATE_LIMIT_PRIVATE_MESSAGES', { perSecond: 5, burst: 10 }),
      // Ten tries at once, then one every six seconds, per name and per address.
      signIns: rate(env, 'RATE_LIMIT_SIGN_INS', { perSecond: 1 / 6, burst: 10 }),
      // Five at once, then ten an hour, per address.
      registrations: rate(env, 'RATE_LIMIT_REGISTRATIONS', { perSecond: 1 / 360, burst: 5 }),
      // Three at once, then one every ten minutes, per user: an export reads everything they ever wrote.
      exports: rate(env, 'RATE_LIMIT_EXPORTS', { perSecond: 1 / 600, burst: 3 }),
    },
    maxConnectionsPerIp: integer(env, 'MAX_CONNECTIONS_PER_IP', 50, 1, 1_000_000),
    guestsPerIp: integer(env, 'GUESTS_PER_IP', 30, 1, 1_000_000),
    sessionMaxAgeDays: integer(env, 'SESSION_MAX_AGE_DAYS', 365, 1, 3650),
    maxUploadBytes: integer(env, 'MAX_UPLOAD_BYTES', 10 * 1024 * 1024, 1, 1024 * 1024 * 1024),
    uploadQuotaBytes: integer(env, 'UPLOAD_QUOTA_BYTES', 100 * 1024 * 1024, 1, Number.MAX_SAFE_INTEGER),
    uploadQuotaBytesPerIp: integer(env, 'UPLOAD_QUOTA_BYTES_PER_IP', 400 * 1024 * 1024, 1, Number.MAX_SAFE_INTEGER),
    uploadTtlMs: duration(env, 'UPLOAD_TTL', 3_600_000),
    maxUploadsInFlightPerIp: integer(env, 'UPLOADS_IN_FLIGHT_PER_IP', 4, 1, 10_000),
    trustProxy: trustProxy(env),
    metricsToken: metricsToken(env),
    heapTrimBytes: integer(env, 'HEAP_TRIM_MB', 64, 0, 1_000_000) * 1024 * 1024,
  });
};
