import * as fc from 'fast-check';
import { DEFAULT_ROOMS } from '../../src/infrastructure/config';
import { count, itEndsClean, fuzzSuite } from '../support/fuzz-suite';
import { decodable, json, send, type HttpAnswer } from '../support/raw-http';
import { Findings, runs, show } from '../support/fuzz';
import { cookie, method, requestBody, route } from '../support/fuzz-requests';

/**
 * Property-based fuzzing of every REST route with fast-check: odd paths, queries, cookies, methods
 * and bodies (test/support/fuzz-requests.ts). A failing run reports its seed first; rerun it with
 * FUZZ_SEED=<seed>.
 */

jest.setTimeout(120_000);

describe('fuzzing every REST route', () => {
  const suite = fuzzSuite();
  const { stats, unhandled } = suite;

  it('answers thousands of random REST requests without a 5xx, by each route’s contract', async () => {
    const findings = new Findings();
    const tokens = suite.sockets.map((s) => [s.session.token, s.username] as const);
    await fc.assert(
      fc.asyncProperty(route, method, cookie(tokens), requestBody, async ({ kind, path }, verb, cookieHeader, payload) => {
        const headers: Record<string, string> = {};
        if (cookieHeader !== undefined) headers.cookie = cookieHeader;
        const withBody = payload !== undefined && verb !== 'GET' && verb !== 'HEAD';
        if (withBody) headers['content-type'] = payload.type;
        const shown = `${verb} ${path.length > 200 ? `${path.slice(0, 200)}…` : path} cookie=${show(cookieHeader)}`;
        let answer: HttpAnswer;
        try {
          answer = await send(suite.server.url, verb, path, headers, withBody ? payload.data : undefined);
        } catch (error) {
          findings.add(`${kind}: no answer (${(error as Error).message})`, shown);
          return;
        }
        stats.http++;
        count(stats.httpStatus, answer.status);
        const example = `${shown} → ${answer.status} ${answer.body.slice(0, 160)}`;
        if (answer.status >= 500) return findings.add(`${kind}: ${answer.status}`, example);
        // Node refuses request headers over 16 KB itself, before the application sees them: fine.
        if (answer.status === 431 && Buffer.byteLength(cookieHeader ?? '') > 16_000) return;
        // Only a token presented whole resumes its owner; anything else gets a fresh guest (POST) or none (GET).
        const presented = tokens.filter(([token]) => (cookieHeader ?? '').split(/;\s*/).includes(`chat_session=${token}`));
        const judgeIdentity = (who: { username: string; resumed: boolean }): void => {
          if (who.resumed) {
            if (!presented.some(([, name]) => name === who.username)) findings.add("session: resumed someone else's identity", example);
          } else if (tokens.some(([, name]) => name === who.username)) findings.add('session: a fresh guest got an existing name', example);
          else if (!/^Guest\d+$/.test(who.username)) findings.add('session: odd guest name', example);
        };
        if (verb === 'POST' && kind === 'session' && (answer.status === 200 || answer.status === 201)) {
          const who = json(answer) as { username: string; resumed: boolean };
          if (who.resumed !== (answer.status === 200)) findings.add('session: status and resumed disagree', example);
          return judgeIdentity(who);
        }
        if (verb !== 'GET') return;
        if (kind === 'health') {
          if (answer.status !== 200 || answer.body !== '{"status":"ok"}') findings.add('health: not ok', example);
        } else if (kind === 'ready' || kind === 'users' || kind === 'rooms') {
          if (answer.status !== 200) findings.add(`${kind}: ${answer.status}`, example);
        } else if (kind === 'room' || kind === 'messages') {
          if (![200, 400, 404, 414, 431].includes(answer.status)) return findings.add(`${kind}: unexpected ${answer.status}`, example);
          if (answer.status === 200 && kind === 'messages') {
            const page = json(answer) as { room: string; messages: unknown[]; hasMore: boolean };
            if (!DEFAULT_ROOMS.includes(page.room) || !Array.isArray(page.messages) || page.messages.length > 100)
              findings.add('messages: odd page', example);
          }
          if (answer.status === 200 && kind === 'room' && !DEFAULT_ROOMS.includes((json(answer) as { name: string }).name))
            findings.add('room: a room that does not exist', example);
          // A 400 is about the query (invalid_query), unless the path is not even valid percent-encoding (Nest's own 400).
          if (
            answer.status === 400 &&
            kind === 'messages' &&
            path.split('?')[0]!.split('/').every(decodable) &&
            (json(answer) as { error?: { code?: string } }).error?.code !== 'invalid_query'
          ) {
            findings.add('messages: 400 without invalid_query', example);
          }
        } else if (kind === 'session') {
          // A read never starts a guest: the session of a whole valid token, or 401 session_required.
          if (answer.status === 401) {
            if ((json(answer) as { error?: { code?: string } }).error?.code !== 'session_required')
              findings.add('session: 401 without session_required', example);
            return;
          }
          if (answer.status !== 200) return findings.add(`session: ${answer.status}`, example);
          const who = json(answer) as { username: string; resumed: boolean };
          if (!who.resumed) findings.add('session: a read started a guest', example);
          judgeIdentity(who);
        }
      }),
      runs(2500, 4),
    );
    expect(findings.report()).toEqual([]);
    expect(stats.httpStatus.get(200)).toBeGreaterThan(100);
    expect(unhandled).toEqual([]);
  });

  itEndsClean(suite, () => expect(stats.http).toBe(2500));
});
