import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import type { AppConfig } from './application/ports/app-config';
import { connectCluster } from './infrastructure/cluster';
import { openBlobStore, openEventStore } from './infrastructure/infrastructure.module';
import { configureApp } from './interface/app-setup';

/**
 * Builds the application: the event store and Redis are reached first, so an unreachable or
 * corrupt one stops the start with one clear line before anything listens.
 */
export const createApp = async (config: AppConfig, options: { logger?: false } = {}): Promise<NestExpressApplication> => {
  const store = await openEventStore(config);
  let blobs;
  let cluster;
  try {
    blobs = await openBlobStore(config);
    cluster = await connectCluster(config);
  } catch (error) {
    await blobs?.close();
    await store.close();
    throw error;
  }
  const adapters = { store, blobs, registry: cluster.registry, connections: cluster.connections, rateLimiter: cluster.rateLimiter };
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, adapters), {
    bufferLogs: options.logger === undefined,
    ...(options.logger === false ? { logger: false } : {}),
  });
  configureApp(app, cluster.ioAdapter);
  return app;
};
