import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventStoreContract } from './event-store.contract';
import { InMemoryEventStore } from './in-memory-event-store';
import { SqliteEventStore } from './sqlite-event-store';

eventStoreContract('in-memory', { create: () => Promise.resolve(new InMemoryEventStore()) });

eventStoreContract('SQLite', {
  create: () => Promise.resolve(new SqliteEventStore(join(mkdtempSync(join(tmpdir(), 'store-spec-')), 'events.sqlite'))),
  reopen: (store) => Promise.resolve(new SqliteEventStore((store as SqliteEventStore).file)),
});
