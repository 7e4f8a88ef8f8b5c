import type { Params } from 'nestjs-pino';
import type { AppConfig } from '../application/ports/app-config';

/** JSON lines; pretty ones when NODE_ENV=development. Message bodies are never logged at info. */
export const loggerOptions = (config: AppConfig): Params => ({
  pinoHttp: {
    level: config.logLevel,
    base: { node: config.nodeId },
    redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
    autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/ready' },
    ...(config.pretty ? { transport: { target: 'pino-pretty', options: { singleLine: true } } } : {}),
  },
});
