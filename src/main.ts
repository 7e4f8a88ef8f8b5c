import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { EventStore, StoreUnavailableError } from './application/ports/event-store.port';
import { SqliteEventStore } from './infrastructure/event-store/sqlite-event-store';
import { createApp } from './bootstrap';
import { ConfigError, loadConfig } from './infrastructure/config';

const main = async (): Promise<void> => {
  const config = loadConfig();
  const app = await createApp(config);
  const logger = app.get(Logger);
  if (config.secretKeyGenerated) {
    logger.warn('SECRET_KEY is not set: a random one is used, so sessions will not survive a restart', 'Config');
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.log({ signal }, 'stopping: no new connections, finishing commands in flight');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'unclean stop');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // A promise nobody awaited failed: a bug somewhere, but not one that should stop every user's chat.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));

  await app.listen(config.port, config.host);
  // A large SQLite log is checked for damage while serving: a damaged one stops the server, as at start.
  const store = app.get(EventStore);
  if (store instanceof SqliteEventStore) {
    store.checkIntegrity().catch((error: unknown) => {
      console.error(`Stopping: ${(error as Error).message}`);
      process.exit(1);
    });
  }
  logger.log(`Chat server listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`, 'Main');
};

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof StoreUnavailableError;
  console.error(known ? `Cannot start: ${(error as Error).message}` : error);
  process.exit(1);
});
