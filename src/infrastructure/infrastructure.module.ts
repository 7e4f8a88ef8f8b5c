import { Global, Logger, Module, type DynamicModule } from '@nestjs/common';
import { join } from 'node:path';
import { AppConfig } from '../application/ports/app-config';
import { BlobStore } from '../application/ports/blob-store.port';
import { DiskBlobStore } from './blob-stores';
import type * as PostgresBlobStoreModule from './postgres-blob-store';
import { Clock } from '../application/ports/clock.port';
import { EventStore } from '../application/ports/event-store.port';
import { IdGenerator } from '../application/ports/id-generator.port';
import { ConnectionRegistry } from '../application/ports/connection-registry.port';
import { NodeRegistry } from '../application/ports/node-registry.port';
import { NameKey } from '../application/ports/name-key.port';
import { PasswordHasher } from '../application/ports/password-hasher.port';
import { RateLimiter } from '../application/ports/rate-limiter.port';
import { ScryptPasswordHasher } from './scrypt-password-hasher';
import { ConfusableNameKey } from './confusable-name-key';
import { TokenSigner } from '../application/ports/token-signer.port';
import { InMemoryEventStore } from './event-store/in-memory-event-store';
import type * as PostgresEventStoreModule from './event-store/postgres-event-store';
import { SqliteEventStore } from './event-store/sqlite-event-store';
import { HmacTokenSigner } from './hmac-token-signer';
import { RandomIdGenerator } from './random-id-generator';
import { SystemClock } from './system-clock';

/** Opens the configured store; throws StoreUnavailableError with a clear message when it cannot. */
export const openEventStore = async (config: AppConfig): Promise<EventStore> => {
  switch (config.eventStore.kind) {
    case 'memory':
      return new InMemoryEventStore();
    case 'sqlite':
      return new SqliteEventStore(config.eventStore.file, config.eventStore.checkBeforeStartBytes);
    case 'postgres': {
      // Loaded only here: a single node on SQLite does not load the PostgreSQL driver at start-up.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { PostgresEventStore } = require('./event-store/postgres-event-store') as typeof PostgresEventStoreModule;
      return PostgresEventStore.connect(config.eventStore.url, {
        applicationName: `nest-chat ${config.nodeId}`,
        onError: (error, context) =>
          new Logger('PostgresEventStore').warn({ err: error, context }, 'event store background failure; retrying'),
      });
    }
  }
};

/** Uploaded files: in DATA_DIR/files, or in PostgreSQL next to the events so every node serves them. */
export const openBlobStore = async (config: AppConfig): Promise<BlobStore> => {
  if (config.eventStore.kind !== 'postgres') return new DiskBlobStore(join(config.dataDir, 'files'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PostgresBlobStore } = require('./postgres-blob-store') as typeof PostgresBlobStoreModule;
  return PostgresBlobStore.connect(config.eventStore.url);
};

/** The adapters that reach outside the process, opened before the application is built. */
export interface Connections {
  readonly store: EventStore;
  readonly blobs: BlobStore;
  readonly registry: NodeRegistry;
  readonly connections: ConnectionRegistry;
  readonly rateLimiter: RateLimiter;
}

@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(config: AppConfig, { store, blobs, registry, connections, rateLimiter }: Connections): DynamicModule {
    return {
      module: InfrastructureModule,
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: EventStore, useValue: store },
        { provide: BlobStore, useValue: blobs },
        { provide: NodeRegistry, useValue: registry },
        { provide: ConnectionRegistry, useValue: connections },
        { provide: RateLimiter, useValue: rateLimiter },
        { provide: Clock, useClass: SystemClock },
        { provide: IdGenerator, useClass: RandomIdGenerator },
        { provide: PasswordHasher, useClass: ScryptPasswordHasher },
        { provide: NameKey, useClass: ConfusableNameKey },
        { provide: TokenSigner, useValue: new HmacTokenSigner(config.secretKey) },
      ],
      exports: [
        AppConfig,
        EventStore,
        BlobStore,
        NodeRegistry,
        ConnectionRegistry,
        RateLimiter,
        PasswordHasher,
        NameKey,
        Clock,
        IdGenerator,
        TokenSigner,
      ],
    };
  }
}
