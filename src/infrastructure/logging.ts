import type { Params } from 'nestjs-pino';
import { destination, type Level } from 'pino';
import type { AppConfig } from '../application/ports/app-config';

/**
 * JSON lines on standard output; pretty ones when NODE_ENV=development. Message bodies are never
 * logged at info. Lines are written asynchronously: the lines of one turn of the event loop, and
 * those made while a write is under way, go out in one write (flushed at exit), so a busy server
 * does not make a system call per line.
 */
export const loggerOptions = (config: AppConfig): Params => {
  const options = {
    level: config.logLevel as Level,
    base: { node: config.nodeId },
    redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
    autoLogging: { ignore: (req: { url?: string }) => req.url === '/health' || req.url === '/ready' },
  };
  if (config.pretty) return { pinoHttp: { ...options, transport: { target: 'pino-pretty', options: { singleLine: true } } } };
  return { pinoHttp: [options, destination({ dest: 1, sync: false })] };
};
