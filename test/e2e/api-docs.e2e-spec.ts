import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { startApp, type TestApp } from '../support/test-app';

type Operation = {
  summary?: string;
  responses: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
};
type OpenApi = { openapi: string; paths: Record<string, Record<string, Operation>> };

/** `/api/rooms/:room` as OpenAPI writes it: `/api/rooms/{room}`. */
const openApiPath = (...parts: string[]): string =>
  (
    '/' +
    parts
      .flatMap((part) => part.split('/'))
      .filter((segment) => segment !== '')
      .join('/')
  ).replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Every `METHOD path` the application's controllers route, read from Nest's metadata (not from the document). */
const controllerRoutes = (server: TestApp): string[] => {
  const routes = new Set<string>();
  for (const module of server.app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      if (typeof metatype !== 'function') continue;
      const bases = [Reflect.getMetadata(PATH_METADATA, metatype) as string | string[]].flat();
      const prototype = metatype.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (paths === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod].toLowerCase();
        for (const base of bases) for (const path of [paths].flat()) routes.add(`${method} ${openApiPath(base, path)}`);
      }
    }
  }
  return [...routes].sort();
};

const documentedRoutes = (doc: OpenApi): string[] =>
  Object.entries(doc.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`))
    .sort();

jest.setTimeout(20_000);

describe('the API documents', () => {
  let server: TestApp;
  let doc: OpenApi;

  beforeAll(async () => {
    server = await startApp();
    const response = await server.http().get('/api/docs-json').expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    doc = response.body as OpenApi;
  });

  afterAll(async () => {
    await server.close();
  });

  it('GET /api/docs-json is an OpenAPI 3 document of exactly the routes the controllers have', () => {
    expect(doc.openapi).toMatch(/^3\./);
    const routes = controllerRoutes(server);
    expect(routes).toContain('get /api/rooms/{room}/messages');
    expect(routes).toContain('post /api/auth/login');
    expect(documentedRoutes(doc)).toEqual(routes);
  });

  it('describes every route: a summary, a success answer, and error answers in the { error: { code, message } } shape', () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const where = `${method} ${path}`;
        expect([where, typeof operation.summary]).toEqual([where, 'string']);
        const statuses = Object.keys(operation.responses);
        expect([where, statuses.some((status) => /^2\d\d$/.test(status))]).toEqual([where, true]);
        for (const status of statuses.filter((s) => /^[45]\d\d$/.test(s) && where !== 'get /ready')) {
          const schema = JSON.stringify(operation.responses[status]?.content?.['application/json']?.schema ?? null);
          expect([where, status, schema]).toEqual([where, status, expect.stringContaining('#/components/schemas/ErrorDetail')]);
        }
      }
    }
  });

  it('documents the status and error code that the routes really answer', async () => {
    const cases: { path: string; method: 'get' | 'post'; send: () => Promise<{ status: number; body: unknown }> }[] = [
      { path: '/api/rooms/{room}', method: 'get', send: () => server.http().get('/api/rooms/Nowhere') },
      { path: '/api/rooms/{room}/messages', method: 'get', send: () => server.http().get('/api/rooms/General/messages?limit=0') },
      { path: '/api/rooms/{room}/messages', method: 'get', send: () => server.http().get('/api/rooms/Nowhere/messages') },
      { path: '/api/private/{username}/messages', method: 'get', send: () => server.http().get('/api/private/nobody-here/messages') },
      { path: '/api/files/{id}', method: 'get', send: () => server.http().get('/api/files/no-such-file') },
      { path: '/api/files', method: 'post', send: () => server.http().post('/api/files').field('note', 'no file') },
      { path: '/api/auth/login', method: 'post', send: () => server.http().post('/api/auth/login').send({ username: 'ab' }) },
      {
        path: '/api/auth/login',
        method: 'post',
        send: () => server.http().post('/api/auth/login').send({ username: 'nobody-here', password: 'long enough' }),
      },
    ];
    for (const { path, method, send } of cases) {
      const { status, body } = await send();
      const documented = doc.paths[path]?.[method]?.responses[String(status)];
      const where = `${method} ${path} → ${status}`;
      expect([where, documented !== undefined]).toEqual([where, true]);
      const code = (body as { error?: { code?: string } }).error?.code;
      expect([where, JSON.stringify(documented?.content?.['application/json']?.schema)]).toEqual([
        where,
        expect.stringContaining(`"${code}"`),
      ]);
    }
  });

  it('GET /api/docs answers the Swagger UI page, with a CSP that allows its inline styles but no inline script', async () => {
    const response = await server.http().get('/api/docs').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.text).toContain('swagger-ui');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(response.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    await server
      .http()
      .get('/api/docs/swagger-ui-init.js')
      .expect(200)
      .expect('content-type', /javascript/);
    await server.http().get('/api/docs/swagger-ui-bundle.js').expect(200);
  });

  it('leaves the strict CSP on the chat page and the rest of the API', async () => {
    for (const path of ['/', '/api/session', '/api/docs-json', '/styles.css']) {
      const csp = String((await server.http().get(path)).headers['content-security-policy']);
      expect([path, csp]).toEqual([path, expect.stringContaining("style-src 'self';")]);
      expect([path, csp]).toEqual([path, expect.not.stringContaining('unsafe-inline')]);
    }
  });
});
