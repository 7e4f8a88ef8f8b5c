import * as fc from 'fast-check';
import { CommandExecutor } from '../../src/application/command-executor';
import { anyString, anyValue } from '../support/fuzz-values';
import { count, fuzzSuite, itEndsClean, judge, socketCall } from '../support/fuzz-suite';
import {
  CLIENT_CODES,
  Findings,
  isTimeout,
  loggedSince,
  MAX_FRAME,
  RESERVED,
  runs,
  SEED,
  show,
  wireSize,
  type Answer,
} from '../support/fuzz';

/**
 * Property-based fuzzing of every socket event with fast-check: arbitrary JSON and JavaScript
 * values, wrong types, huge and deeply nested values, binary, unicode edge cases and
 * prototype-pollution keys (test/support/fuzz-values.ts), one at a time and all at once. A failing
 * run reports its seed first; rerun it with FUZZ_SEED=<seed>.
 */

jest.setTimeout(120_000);

describe('fuzzing every socket event', () => {
  const suite = fuzzSuite();
  const { sockets, events, stats, unhandled, errorsLogged } = suite;

  it('finds the events to fuzz: at least join, leave, message and private_message', () => {
    expect(events).toEqual(expect.arrayContaining(['join', 'leave', 'message', 'private_message']));
  });

  it('answers thousands of random payloads, one at a time, by the contract; a rejection stores nothing', async () => {
    const findings = new Findings();
    await fc.assert(
      fc.asyncProperty(socketCall(suite), async ({ who, event, args }) => {
        const socket = sockets[who]!;
        const size = wireSize(args);
        if (size === undefined || size > MAX_FRAME) {
          stats.tooBigToSend++;
          return;
        }
        const before = await suite.server.store.headPosition();
        const logged = errorsLogged.length;
        let answer: unknown;
        try {
          answer = await socket.raw.timeout(5000).emitWithAck(event, ...args);
        } catch (error) {
          if (!isTimeout(error)) {
            stats.tooBigToSend++; // the client itself could not encode it (too deep for its stack)
            return;
          }
          findings.add(`${event}: no answer in 5 s`, show(args));
          if (!socket.raw.connected) sockets[who] = await suite.server.connect({ token: socket.session.token });
          return;
        }
        stats.acks++;
        const wrong = judge(suite, socket, event, args, answer);
        if (wrong !== undefined) {
          findings.add(
            `${event}: ${wrong}${errorsLogged.length > logged ? ` [server logged ${loggedSince(errorsLogged, logged)}]` : ''}`,
            show(args),
          );
        }
        const { ok, error } = answer as Answer;
        if (ok === true) stats.ok++;
        else {
          count(stats.rejected, String(error?.code));
          const after = await suite.server.store.headPosition();
          if (after !== before) findings.add(`${event}: rejected yet stored ${after - before} event(s)`, show(args));
        }
      }),
      runs(5000, 1),
    );
    expect(findings.report()).toEqual([]);
    expect(sockets.every((s) => s.raw.connected)).toBe(true);
    expect(stats.ok).toBeGreaterThan(100); // the generator reaches the happy paths, not only rejections
    expect(stats.rejected.get('invalid_payload')).toBeGreaterThan(100);
    expect(unhandled).toEqual([]);
  });

  it('survives a concurrent barrage from three sockets, with and without acknowledgements', async () => {
    const findings = new Findings();
    const calls = fc.sample(fc.tuple(socketCall(suite), fc.boolean()), { numRuns: 1200, seed: SEED + 2 }).filter(([{ args }]) => {
      const size = wireSize(args);
      return size !== undefined && size <= MAX_FRAME / 10; // many at once, so each stays small
    });
    const errorEventsBefore = sockets.map((s) => s.received('error').length);
    await Promise.all(
      calls.map(async ([{ who, event, args }, withAck]) => {
        const socket = sockets[who]!;
        if (!withAck) {
          try {
            socket.raw.emit(event, ...args);
            stats.emitsWithoutAck++;
          } catch {
            stats.tooBigToSend++;
          }
          return;
        }
        try {
          const answer: unknown = await socket.raw.timeout(10_000).emitWithAck(event, ...args);
          stats.acks++;
          const wrong = judge(suite, socket, event, args, answer);
          if (wrong !== undefined) findings.add(`${event}: ${wrong}`, show(args));
        } catch (error) {
          if (isTimeout(error)) findings.add(`${event}: no answer in 10 s`, show(args));
          else stats.tooBigToSend++;
        }
      }),
    );
    // A probe on each socket after the barrage, then every command accepted meanwhile, must finish.
    for (const socket of sockets) await expect(socket.ask('join', { room: 'Nowhere' })).resolves.toMatchObject({ ok: false });
    await suite.server.app.get(CommandExecutor).drain();
    // Each rejection of an event sent without acknowledgement came back as an `error` event with a known code.
    const errorEvents = sockets.flatMap((s, i) => s.received('error').slice(errorEventsBefore[i]));
    for (const payload of errorEvents) {
      const { code, message, event } = payload as Record<string, unknown>;
      if (
        typeof code !== 'string' ||
        !CLIENT_CODES.includes(code) ||
        typeof message !== 'string' ||
        typeof event !== 'string' ||
        !events.includes(event)
      ) {
        findings.add('an `error` event off the contract', show(payload));
      }
    }
    expect(findings.report()).toEqual([]);
    expect(errorEvents.length).toBeGreaterThan(0);
    expect(errorEvents.length).toBeLessThanOrEqual(stats.emitsWithoutAck);
    expect(sockets.every((s) => s.raw.connected)).toBe(true);
    expect(unhandled).toEqual([]);
  });

  it('ignores unknown event names with any payload, without disconnecting', async () => {
    const unknownName = fc
      .oneof(
        fc.constantFrom('error', 'drop_tables', '__proto__', 'constructor', 'hasOwnProperty', 'toString', 'JOIN', 'join ', 'Message', ''),
        anyString,
      )
      .filter((name) => !RESERVED.has(name) && !events.includes(name));
    const fresh = await suite.server.connect();
    await fc.assert(
      fc.asyncProperty(unknownName, fc.array(anyValue, { maxLength: 2 }), async (name, args) => {
        const size = wireSize(args);
        if (size === undefined || size > MAX_FRAME / 2) return;
        try {
          fresh.raw.emit(name, ...args);
          stats.unknownEvents++;
        } catch {
          stats.tooBigToSend++; // the client could not encode it
        }
        return Promise.resolve();
      }),
      runs(800, 3),
    );
    // The socket still works, answered in order after all of the above.
    await expect(fresh.ask('join', { room: 'The Nerd Nook' })).resolves.toMatchObject({ ok: true, room: 'The Nerd Nook' });
    expect(fresh.raw.connected).toBe(true);
    expect(fresh.received('error')).toEqual([]);
    expect(unhandled).toEqual([]);
  });

  itEndsClean(suite, () => {
    expect(stats.acks).toBeGreaterThan(5000);
    expect(stats.emitsWithoutAck + stats.unknownEvents).toBeGreaterThan(1000);
  });
});
