import { applyDecorators } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
} from '@nestjs/swagger';
import { MetricsController } from '../metrics';
import { SESSION_COOKIE } from '../session-token';
import { ApiErrors, ErrorDetail, SESSION_SCHEME } from './api-models';

/** Swagger UI; the document itself is at `/api/docs-json` (and `/api/docs-yaml`). */
export const API_DOCS_PATH = '/api/docs';

/** The Swagger UI page and its assets (not `/api/docs-json`, which is JSON). */
export const isApiDocsPath = (path: string): boolean => path === API_DOCS_PATH || path.startsWith(`${API_DOCS_PATH}/`);

// GET /metrics lives beside the metrics it serves (../metrics.ts); it is described here.
applyDecorators(
  ApiTags('operations'),
  ApiOperation({ summary: 'Prometheus metrics of this node' }),
  ApiProduces('text/plain'),
  ApiOkResponse({ description: 'The Prometheus text format (version 0.0.4)', schema: { type: 'string' } }),
  ApiHeader({ name: 'Authorization', required: false, description: '`Bearer <METRICS_TOKEN>`, when the server has one' }),
  ApiErrors([401, ['unauthorized'], 'METRICS_TOKEN is set and the request does not carry it as a bearer token']),
)(MetricsController.prototype, 'scrape', Object.getOwnPropertyDescriptor(MetricsController.prototype, 'scrape')!);

const DESCRIPTION = `The REST side of nest-chat. The real-time side (Socket.IO events in both directions) is described
by the AsyncAPI 3 document \`docs/asyncapi.yaml\` in the repository.

Errors answer \`{ "error": { "code", "message" } }\` (validation errors also name the \`field\`, rate limits add
\`retryAfterMs\`). Any request whose \`Origin\` is neither the page's own nor one of \`CORS_ORIGINS\` gets
403 \`origin_not_allowed\`. Requests that change state (\`POST\`) are refused with 403 \`origin_not_allowed\`
from any origin but the page's own or one \`CORS_ORIGINS\` names (\`*\` only opens reads), and when they carry
the session cookie without an \`Origin\`; their bodies must be \`application/json\` (\`multipart/form-data\`
for uploads), else 415 \`unsupported_media_type\`.

Routes that act as a user read the \`${SESSION_COOKIE}\` cookie; without a valid one they start a guest
session and set the cookie, so the security requirement is optional.`;

const createDocument = (app: NestExpressApplication): OpenAPIObject =>
  SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('nest-chat')
      .setDescription(DESCRIPTION)
      .setVersion((JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version)
      .addTag('page', 'The chat page')
      .addTag('accounts', 'Register, sign in, sign out')
      .addTag('users', 'Who am I, who is online, private conversations')
      .addTag('rooms', 'Rooms, members and message history')
      .addTag('files', 'Sharing files')
      .addTag('operations', 'Health, readiness and metrics')
      .addCookieAuth(SESSION_COOKIE, { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE }, SESSION_SCHEME)
      .build(),
    {
      extraModels: [ErrorDetail],
      autoTagControllers: false,
      operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
    },
  );

/**
 * Swagger UI at /api/docs, the OpenAPI document at /api/docs-json and /api/docs-yaml. Built on the
 * first request. The UI's page has inline styles, so app-setup.ts gives this path (only) a CSP with
 * `style-src 'unsafe-inline'`; its scripts are files under /api/docs/, allowed by `script-src 'self'`.
 */
export const setupApiDocs = (app: NestExpressApplication): void => {
  SwaggerModule.setup(API_DOCS_PATH, app, () => createDocument(app), {
    customSiteTitle: 'nest-chat API',
    swaggerOptions: { validatorUrl: null, tryItOutEnabled: false },
  });
};
