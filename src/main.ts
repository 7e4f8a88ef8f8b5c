import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { StoreUnavailableError } from './application/ports/event-store.port';
import { ConfigError, loadConfig } from './infrastructure/config';
import { configureApp } from './interface/app-setup';

const main = async (): Promise<void> => {
  const config = loadConfig();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { bufferLogs: true });
  configureApp(app);
  const logger = app.get(Logger);
  if (config.secretKeyGenerated) {
    logger.warn('SECRET_KEY is not set: a random one is used, so sessions will not survive a restart', 'Config');
  }
  await app.listen(config.port, config.host);
  logger.log(`Chat server listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`, 'Main');
};

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof StoreUnavailableError;
  console.error(known ? `Cannot start: ${(error as Error).message}` : error);
  process.exit(1);
});
