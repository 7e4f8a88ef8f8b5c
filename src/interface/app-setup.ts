import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { StoreUnavailableFilter } from './http/store-unavailable.filter';
import { IoAdapter } from '@nestjs/platform-socket.io';
import helmet from 'helmet';
import { dirname, join } from 'node:path';
import { Logger } from 'nestjs-pino';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { Server, ServerOptions, Socket } from 'socket.io';
import { AppConfig } from '../application/ports/app-config';
import { isApiDocsPath, setupApiDocs } from './http/api-docs';
import { PUBLIC_DIR } from './http/page.controller';
import { tokenFromCookieHeader } from './session-token';
import { ClientEventPipeline, type ChatSocket } from './ws/client-event-pipeline';
import { maxFrameBytes } from './ws/frame-limit';

/** Socket.IO with the configured CORS origins, a bounded message size and, in a cluster, the Redis adapter. */
class ChatIoAdapter extends IoAdapter {
  /** Sockets whose events no gateway handles are already watched (each gateway binds its handlers separately). */
  private readonly watched = new WeakSet<Socket>();

  constructor(
    app: INestApplication,
    private readonly config: AppConfig,
    private readonly adapter: ServerOptions['adapter'] | undefined,
    private readonly pipeline: ClientEventPipeline,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const origin = this.config.corsOrigins === '*' ? true : this.config.corsOrigins;
    return super.createIOServer(port, {
      ...(options as ServerOptions),
      cors: { origin, credentials: this.config.corsOrigins !== '*' },
      // Browsers do not apply CORS to WebSockets, so the handshake checks the Origin itself.
      allowRequest: (req, callback) => callback(null, originAllowed(this.config, req.headers.origin, req.headers.host)),
      maxHttpBufferSize: maxFrameBytes(this.config.maxMessageLength),
      ...(this.adapter !== undefined ? { adapter: this.adapter } : {}),
    });
  }

  /**
   * Plain listeners instead of Nest's per-socket rxjs pipelines (one per handler per socket): the
   * same behaviour at about a quarter of the memory per connection (see bench/ANALYSIS.md).
   */
  override bindMessageHandlers(socket: Socket, handlers: MessageMappingProperties[]): void {
    for (const { message, callback, isAckHandledManually } of handlers) {
      socket.on(message as string, (...args: unknown[]) => {
        const { data, ack } = this.mapPayload(args.length > 1 ? args : args[0]);
        Promise.resolve()
          .then(() => callback(data, ack) as HandlerResult | Promise<HandlerResult>)
          .then((response) => {
            if (response === null || response === undefined) return;
            if (response.event !== undefined) socket.emit(response.event, response.data);
            else if (!isAckHandledManually && typeof ack === 'function') ack(response);
          })
          .catch((error: unknown) => this.logger.error(error));
      });
    }
    if (this.watched.has(socket)) return;
    this.watched.add(socket);
    // Every event reaches onAny first; one without a listener is unknown, and never free.
    socket.onAny((event: unknown, ...args: unknown[]) => {
      if (socket.listeners(event as string).length > 0) return;
      const ack = args.at(-1);
      void this.pipeline.unknownEvent(
        socket as ChatSocket,
        String(event),
        typeof ack === 'function' ? (ack as (response: unknown) => void) : undefined,
      );
    });
  }
}

/** What a gateway handler may return: nothing (it answered the ack itself), a value, or a promise of one. */
type HandlerResult = { event?: string; data?: unknown } | null | undefined;

/** No Origin (not a browser), the page's own origin, or one of CORS_ORIGINS. */
const originAllowed = (config: AppConfig, origin: string | undefined, host: string | undefined): boolean => {
  if (config.corsOrigins === '*' || origin === undefined) return true;
  if (config.corsOrigins.includes(origin)) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The page's own origin, or one CORS_ORIGINS names (never merely allowed by `*`). */
const trustedOrigin = (config: AppConfig, origin: string, host: string | undefined): boolean => {
  if (config.corsOrigins !== '*' && config.corsOrigins.includes(origin)) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
};

/** The media types a request that changes state may carry: JSON, and multipart for uploads. */
const acceptedBody = (req: Request): boolean => {
  const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';
  if (!hasBody) return true;
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || (type === 'multipart/form-data' && req.method === 'POST' && req.path === '/api/files');
};

/**
 * State-changing requests come from the page's own origin or a listed one, whatever `*` allows for
 * reads: a form another site posts (login CSRF) is refused, and so is a request with a session
 * cookie but no Origin (browsers always send one on such requests). Bodies are JSON (multipart for
 * uploads), which a cross-site form cannot produce.
 */
const guardStateChanges = (config: AppConfig) => (req: Request, res: Response, next: NextFunction) => {
  if (SAFE_METHODS.has(req.method)) return next();
  const origin = req.headers.origin;
  const refuse = (status: number, code: string, message: string): void => {
    res.status(status).json({ error: { code, message } });
  };
  if (origin !== undefined && !trustedOrigin(config, origin, req.headers.host)) {
    return refuse(403, 'origin_not_allowed', `Origin ${origin} may not change anything here`);
  }
  if (origin === undefined && tokenFromCookieHeader(req.headers.cookie) !== undefined) {
    return refuse(403, 'origin_not_allowed', 'A request with a session cookie must say its Origin');
  }
  if (!acceptedBody(req)) return refuse(415, 'unsupported_media_type', 'Send the body as application/json');
  next();
};

/** Everything main.ts and the specs both need on top of the module graph. */
export const configureApp = (app: NestExpressApplication, ioAdapter?: ServerOptions['adapter']): void => {
  const config = app.get(AppConfig);
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new StoreUnavailableFilter());
  app.useWebSocketAdapter(new ChatIoAdapter(app, config, ioAdapter, app.get(ClientEventPipeline)));
  app.set('trust proxy', config.trustProxy);
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (originAllowed(config, req.headers.origin, req.headers.host)) return next();
    res.status(403).json({ error: { code: 'origin_not_allowed', message: `Origin ${String(req.headers.origin)} is not allowed` } });
  });
  app.use(guardStateChanges(config));
  // Credentials only for origins listed by name: `*` lets any site read, never as the user.
  app.enableCors({ origin: config.corsOrigins === '*' ? true : config.corsOrigins, credentials: config.corsOrigins !== '*' });
  app.disable('x-powered-by');
  const directives = {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    // 'self' covers ws: and wss: to the page's own host (CSP Level 3), and nothing else.
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  };
  const strict = helmet({ contentSecurityPolicy: { useDefaults: false, directives }, crossOriginEmbedderPolicy: false });
  // Swagger UI's page has inline <style> blocks; its scripts are files, so only styles are relaxed, and only there.
  const docs = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { ...directives, styleSrc: ["'self'", "'unsafe-inline'"] } },
    crossOriginEmbedderPolicy: false,
  });
  app.use((req: Request, res: Response, next: NextFunction) => (isApiDocsPath(req.path) ? docs : strict)(req, res, next));
  app.useStaticAssets(PUBLIC_DIR, { index: false });
  // Emoji data for the page (`:shortcode:` and the picker), from the emojibase-data package.
  app.useStaticAssets(join(dirname(require.resolve('emojibase-data/package.json')), 'en'), {
    prefix: '/vendor/emojibase/',
    index: false,
    maxAge: '1d',
  });
  setupApiDocs(app);
};
