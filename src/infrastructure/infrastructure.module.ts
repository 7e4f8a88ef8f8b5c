import { Global, Module, type DynamicModule, type OnApplicationShutdown, Injectable } from '@nestjs/common';
import { AppConfig } from '../application/ports/app-config';
import { Clock } from '../application/ports/clock.port';
import { EventStore } from '../application/ports/event-store.port';
import { IdGenerator } from '../application/ports/id-generator.port';
import { TokenSigner } from '../application/ports/token-signer.port';
import { InMemoryEventStore } from './event-store/in-memory-event-store';
import { SqliteEventStore } from './event-store/sqlite-event-store';
import { HmacTokenSigner } from './hmac-token-signer';
import { RandomIdGenerator } from './random-id-generator';
import { SystemClock } from './system-clock';

export const createEventStore = (config: AppConfig): EventStore => {
  switch (config.eventStore.kind) {
    case 'memory':
      return new InMemoryEventStore();
    case 'sqlite':
      return new SqliteEventStore(config.eventStore.file);
    case 'postgres':
      throw new Error('EVENT_STORE: PostgreSQL is not available in this build');
  }
};

/** Closes the store last, after the application has drained its commands. */
@Injectable()
class EventStoreCloser implements OnApplicationShutdown {
  constructor(private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: InfrastructureModule,
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: EventStore, useFactory: () => createEventStore(config) },
        { provide: Clock, useClass: SystemClock },
        { provide: IdGenerator, useClass: RandomIdGenerator },
        { provide: TokenSigner, useValue: new HmacTokenSigner(config.secretKey) },
        EventStoreCloser,
      ],
      exports: [AppConfig, EventStore, Clock, IdGenerator, TokenSigner],
    };
  }
}
