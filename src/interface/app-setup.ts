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
import { ClientEventPipeline, type AckFn, type ChatSocket } from './ws/client-event-pipeline';
import { ChatGateway } from './ws/chat.gateway';
import { CommunityGateway } from './ws/community.gateway';
import { MessageActionsGateway } from './ws/message-actions.gateway';
import { maxFrameBytes } from './ws/frame-limit';

/** Where Nest's `@SubscribeMessage` keeps a method's event name (`@nestjs/websockets` constants). */
const MESSAGE_MAPPING_METADATA = 'websockets:message_mapping';
const MESSAGE_METADATA = 'message';

/** A gateway method for a client event: every one takes the socket, the body and the ack, and answers the ack itself. */
type Route = (socket: ChatSocket, body: unknown, ack: AckFn) => Promise<void>;

/** The client events the gateways handle, each with its method bound to its gateway: one table for every socket. */
const routesOf = (gateways: readonly object[]): Map<string, Route> => {
  const routes = new Map<string, Route>();
  for (const gateway of gateways) {
    const prototype = Object.getPrototypeOf(gateway) as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const method = prototype[name];
      if (typeof method !== 'function' || Reflect.getMetadata(MESSAGE_MAPPING_METADATA, method) !== true) continue;
      const event = Reflect.getMetadata(MESSAGE_METADATA, method) as string;
      if (routes.has(event)) throw new Error(`Two gateway methods handle ${event}`);
      routes.set(event, (method as Route).bind(gateway));
    }
  }
  return routes;
};

/**
 * The listener every socket gets for all its events: Socket.IO calls it with the socket as `this`,
 * so one function serves them all instead of a closure (and its context) kept per socket.
 */
const dispatcher = (route: (socket: ChatSocket, event: unknown, args: unknown[]) => void) =>
  function dispatch(this: Socket, event: unknown, ...args: unknown[]): void {
    route(this as ChatSocket, event, args);
  };

/** Socket.IO with the configured CORS origins, a bounded message size and, in a cluster, the Redis adapter. */
class ChatIoAdapter extends IoAdapter {
  /** Sockets already given their dispatcher (each gateway binds its handlers separately). */
  private readonly watched = new WeakSet<Socket>();
  /** Sockets already given their disconnect callback (see `bindClientDisconnect`). */
  private readonly disconnectBound = new WeakSet<Socket>();
  private readonly routes: Map<string, Route>;
  /** The one listener of every socket's events (`dispatcher`). */
  private readonly dispatch: (this: Socket, event: unknown, ...args: unknown[]) => void;

  constructor(
    app: INestApplication,
    private readonly config: AppConfig,
    private readonly adapter: ServerOptions['adapter'] | undefined,
    private readonly pipeline: ClientEventPipeline,
    gateways: readonly object[],
  ) {
    super(app);
    this.routes = routesOf(gateways);
    this.dispatch = dispatcher((socket, event, args) => this.route(socket, event, args));
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
   * One listener per socket that dispatches every event through a table shared by all sockets,
   * instead of Nest's per-socket rxjs pipeline for each handler (or a listener and a bound handler
   * for each of the 22 events on each socket): the gateways' own methods run as they are, since they
   * answer their acks themselves and use no guards, pipes or interceptors. An event no gateway
   * handles is unknown, and never free.
   */
  override bindMessageHandlers(socket: Socket, handlers: MessageMappingProperties[]): void {
    // Nest's own list for the socket: a handler the table does not know would never be called.
    for (const { message } of handlers)
      if (!this.routes.has(String(message))) throw new Error(`No route for the client event ${String(message)}`);
    if (this.watched.has(socket)) return;
    this.watched.add(socket);
    socket.onAny(this.dispatch);
  }

  /** One event of `socket` through the table. */
  private route(socket: ChatSocket, event: unknown, args: unknown[]): void {
    const { data, ack } = this.mapPayload(args.length > 1 ? args : args[0]) as { data: unknown; ack?: unknown };
    const answer = typeof ack === 'function' ? (ack as (response: unknown) => void) : undefined;
    const route = typeof event === 'string' ? this.routes.get(event) : undefined;
    if (route === undefined) {
      void this.pipeline.unknownEvent(socket, String(event), answer);
      return;
    }
    route(socket, data, answer).catch((error: unknown) => this.logger.error(error));
  }

  /**
   * Nest's own wraps each gateway's callback in a closure and a `once` (a wrapper, its state and a
   * bound function: ≈200 bytes a gateway a socket); a socket is disconnected only once anyway. The
   * gateways share one server, so each gateway's callback feeds the same disconnect stream (which
   * passes a socket on once): the first callback is enough, and the others are not kept (a closure,
   * its context and a slot in the socket's listener list, ≈350 bytes a socket for two gateways).
   */
  override bindClientDisconnect(socket: Socket, callback: (reason: unknown) => void): void {
    if (this.disconnectBound.has(socket)) return;
    this.disconnectBound.add(socket);
    socket.on('disconnect', callback);
  }
}

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
  const gateways = [app.get(ChatGateway), app.get(MessageActionsGateway), app.get(CommunityGateway)];
  app.useWebSocketAdapter(new ChatIoAdapter(app, config, ioAdapter, app.get(ClientEventPipeline), gateways));
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
