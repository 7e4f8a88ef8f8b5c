import { join, resolve } from 'node:path';
import { ConfigError, DEFAULT_ROOMS, loadConfig } from './config';

const failureOf = (env: Record<string, string>): unknown => {
  try {
    loadConfig(env);
  } catch (error) {
    return error;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
};

describe('configuration', () => {
  describe('with an empty environment', () => {
    const config = loadConfig({});

    it('listens on port 5000 on every interface', () => {
      expect(config.port).toBe(5000);
      expect(config.host).toBe('0.0.0.0');
    });

    it('serves the four seed rooms', () => {
      expect(config.chatRooms).toEqual(['General', 'Zero to Knowing', 'Code with Josh', 'The Nerd Nook']);
      expect(DEFAULT_ROOMS).toEqual(config.chatRooms);
    });

    it('stores events in SQLite under ./data', () => {
      expect(config.dataDir).toBe(resolve('./data'));
      expect(config.eventStore).toEqual({
        kind: 'sqlite',
        file: join(resolve('./data'), 'events.sqlite'),
        checkBeforeStartBytes: 256 * 1024 * 1024,
      });
    });

    it('allows messages of 2000 characters', () => {
      expect(config.maxMessageLength).toBe(2000);
    });

    it('allows every origin and logs at info', () => {
      expect(config.corsOrigins).toBe('*');
      expect(config.logLevel).toBe('info');
    });

    it('lets one address start 30 guests an hour', () => {
      expect(config.guestsPerIp).toBe(30);
      expect(loadConfig({ GUESTS_PER_IP: '5' }).guestsPerIp).toBe(5);
    });

    it('gives memory back after a burst of 64 MB, or never with 0', () => {
      expect(config.heapTrimBytes).toBe(64 * 1024 * 1024);
      expect(loadConfig({ HEAP_TRIM_MB: '0' }).heapTrimBytes).toBe(0);
    });

    it('runs as a single node, without Redis', () => {
      expect(config.redisUrl).toBeUndefined();
    });

    it('generates a secret key of its own and says so', () => {
      expect(config.secretKeyGenerated).toBe(true);
      expect(config.secretKey.length).toBeGreaterThanOrEqual(32);
      expect(loadConfig({}).secretKey).not.toBe(config.secretKey);
    });
  });

  describe('with values set', () => {
    it('puts the SQLite file in DATA_DIR', () => {
      const config = loadConfig({ DATA_DIR: '/srv/chat' });
      expect(config.dataDir).toBe('/srv/chat');
      expect(config.eventStore).toEqual({
        kind: 'sqlite',
        file: join('/srv/chat', 'events.sqlite'),
        checkBeforeStartBytes: 256 * 1024 * 1024,
      });
    });

    it('reads the port, rooms, message length, origins, log level and secret', () => {
      const config = loadConfig({
        PORT: '8080',
        CHAT_ROOMS: ' Lobby , Random ',
        MAX_MESSAGE_LENGTH: '500',
        CORS_ORIGINS: 'https://chat.example.com, http://localhost:3000',
        LOG_LEVEL: 'debug',
        SECRET_KEY: 'a-secret-of-enough-length',
      });
      expect(config).toMatchObject({
        port: 8080,
        chatRooms: ['Lobby', 'Random'],
        maxMessageLength: 500,
        corsOrigins: ['https://chat.example.com', 'http://localhost:3000'],
        logLevel: 'debug',
        secretKey: 'a-secret-of-enough-length',
        secretKeyGenerated: false,
      });
    });

    it('accepts the memory store and a PostgreSQL URL', () => {
      expect(loadConfig({ EVENT_STORE: 'memory' }).eventStore).toEqual({ kind: 'memory' });
      expect(loadConfig({ EVENT_STORE: 'postgres://db/chat' }).eventStore).toEqual({ kind: 'postgres', url: 'postgres://db/chat' });
      expect(loadConfig({ EVENT_STORE: 'postgresql://db/chat' }).eventStore).toEqual({ kind: 'postgres', url: 'postgresql://db/chat' });
    });
  });

  describe('refuses a bad value with a ConfigError naming the variable', () => {
    it.each<[string, Record<string, string>]>([
      ['PORT', { PORT: 'abc' }],
      ['PORT', { PORT: '70000' }],
      ['PORT', { PORT: '-1' }],
      ['PORT', { PORT: '80.5' }],
      ['MAX_MESSAGE_LENGTH', { MAX_MESSAGE_LENGTH: '0' }],
      ['MAX_MESSAGE_LENGTH', { MAX_MESSAGE_LENGTH: 'lots' }],
      ['CHAT_ROOMS', { CHAT_ROOMS: 'General,Random,General' }],
      ['CHAT_ROOMS', { CHAT_ROOMS: 'General, General ' }],
      ['CHAT_ROOMS', { CHAT_ROOMS: 'General,,Random' }],
      ['CHAT_ROOMS', { CHAT_ROOMS: 'General, ' }],
      ['CHAT_ROOMS', { CHAT_ROOMS: 'x'.repeat(65) }],
      ['EVENT_STORE', { EVENT_STORE: 'mysql://x' }],
      ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
      ['CORS_ORIGINS', { CORS_ORIGINS: 'notaurl' }],
      ['CORS_ORIGINS', { CORS_ORIGINS: 'https://ok.example.com,notaurl' }],
      ['CORS_ORIGINS', { CORS_ORIGINS: 'https://chat.example.com/path' }],
      ['SECRET_KEY', { SECRET_KEY: 'short' }],
      ['SECRET_KEY', { SECRET_KEY: 'x'.repeat(15) }],
      ['PRESENCE_GRACE_MS', { PRESENCE_GRACE_MS: 'soon' }],
      ['AGGREGATE_CACHE_SIZE', { AGGREGATE_CACHE_SIZE: '0' }],
      ['REDIS_URL', { REDIS_URL: 'http://localhost:6379' }],
      ['CLUSTER_NAME', { CLUSTER_NAME: 'my cluster' }],
      ['NODE_TIMEOUT_MS', { NODE_TIMEOUT_MS: '10' }],
      ['GUESTS_PER_IP', { GUESTS_PER_IP: '0' }],
      ['GUESTS_PER_IP', { GUESTS_PER_IP: 'many' }],
      ['HEAP_TRIM_MB', { HEAP_TRIM_MB: '-1' }],
      ['HEAP_TRIM_MB', { HEAP_TRIM_MB: 'some' }],
    ])('%s in %j', (variable, env) => {
      const error = failureOf(env);
      expect(error).toBeInstanceOf(ConfigError);
      expect(error).toMatchObject({ variable });
      expect((error as ConfigError).message).toMatch(new RegExp(`^${variable}: `));
    });
  });
});
