import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { StoreUnavailableError } from './application/ports/event-store.port';
import { ConfigError, loadConfig } from './infrastructure/config';
import { openEventStore } from './infrastructure/infrastructure.module';
import { configureApp } from './interface/app-setup';

const main = async (): Promise<void> => {
  const config = loadConfig();
  const store = await openEventStore(config);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, store), { bufferLogs: true });
  configureApp(app);
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

  await app.listen(config.port, config.host);
  logger.log(`Chat server listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`, 'Main');
};

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof StoreUnavailableError;
  console.error(known ? `Cannot start: ${(error as Error).message}` : error);
  process.exit(1);
});
