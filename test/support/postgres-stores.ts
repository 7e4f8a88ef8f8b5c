/** The PostgreSQL store's specs' harness: the database, a fresh schema per spec, stores as nodes and raw clients. Needs `npm run test:cluster`'s PostgreSQL. */
import { randomBytes } from 'node:crypto';
import { Client, escapeIdentifier } from 'pg';
import type { RecordedEvent } from '../../src/application/ports/event-store.port';
import { PostgresEventStore, type PostgresEventStoreOptions } from '../../src/infrastructure/event-store/postgres-event-store';

export const URL = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const until = async (condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
};

/** An admin connection for the whole file, and schemas made fresh for a spec and dropped after it. */
export const postgresDatabase = () => {
  const db = { admin: undefined as unknown as Client };
  const schemas: string[] = [];
  beforeAll(async () => {
    db.admin = new Client({ connectionString: URL });
    await db.admin.connect();
  });
  afterEach(async () => {
    for (const schema of schemas.splice(0)) await db.admin.query(`DROP SCHEMA IF EXISTS ${escapeIdentifier(schema)} CASCADE`);
  });
  afterAll(async () => {
    await db.admin.end();
  });
  const freshSchema = (): string => {
    const schema = `spec_${randomBytes(6).toString('hex')}`;
    schemas.push(schema);
    return schema;
  };
  return { db, freshSchema };
};

/** Stores on one schema as several nodes would open them, raw clients beside them, all closed after each spec; `errors` collects what the stores reported. */
export const postgresNodes = () => {
  const stores: PostgresEventStore[] = [];
  const clients: Client[] = [];
  const errors: { error: unknown; context: string }[] = [];

  const open = async (schema: string, options: PostgresEventStoreOptions = {}): Promise<PostgresEventStore> => {
    const store = await PostgresEventStore.connect(URL, {
      schema,
      onError: (error, context) => errors.push({ error, context }),
      ...options,
    });
    stores.push(store);
    return store;
  };

  const rawClient = async (): Promise<Client> => {
    const client = new Client({ connectionString: URL });
    await client.connect();
    clients.push(client);
    return client;
  };

  const collect = (store: PostgresEventStore, from = 0) => {
    const seen: RecordedEvent[] = [];
    const subscription = store.subscribe(from, (event) => seen.push(event));
    return { seen, subscription };
  };

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await Promise.all(clients.splice(0).map((client) => client.end().catch(() => undefined)));
    errors.length = 0;
  });

  return { open, rawClient, collect, errors };
};
