import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { StoreUnavailableError } from './application/ports/event-store.port';
import { createApp } from './bootstrap';
import { ConfigError, loadConfig } from './infrastructure/config';

/**
 * `npm run rebuild`: folds the whole log into the read models, ignoring any saved snapshot, saves
 * the result as the new snapshot, and exits. The log is not changed. With the same settings as the
 * server (DATA_DIR or EVENT_STORE), while it is stopped or running.
 */
const rebuild = async (): Promise<void> => {
  const config = { ...loadConfig(), rebuild: true };
  const app = await createApp(config);
  await app.init();
  app.get(Logger).log('read models rebuilt from the whole log and saved', 'Rebuild');
  await app.close();
};

rebuild().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof StoreUnavailableError;
  console.error(known ? `Cannot rebuild: ${(error as Error).message}` : error);
  process.exit(1);
});
