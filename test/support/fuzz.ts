import { ModulesContainer } from '@nestjs/core';
import * as fc from 'fast-check';
import { runInThisContext } from 'node:vm';
import { DEFAULT_MAX_MESSAGE_LENGTH } from '../../src/domain/shared/message-text';
import { maxFrameBytes } from '../../src/interface/ws/frame-limit';
import type { TestSocket } from './socket';
import type { TestApp } from './test-app';

/**
 * What the fuzzing specs (test/e2e/fuzz-*.e2e-spec.ts) and the malformed-payload specs share: one
 * seed per spec file, the answer contract, findings grouped by kind, and the fields of each event.
 * A failing run reports its seed first; rerun it with FUZZ_SEED=<seed>.
 */

/** One seed for the whole file, printed, so a failing run can be replayed exactly. */
export const SEED = process.env.FUZZ_SEED === undefined ? Date.now() ^ (Math.random() * 0x7fffffff) : Number(process.env.FUZZ_SEED);
export const runs = (numRuns: number, offset: number): fc.Parameters<unknown> => ({ numRuns, seed: SEED + offset });

/** Every code a client may be told for bad input. Not `internal` (a bug), not `unavailable` (a healthy local store). */
export const CLIENT_CODES = [
  'invalid_payload',
  'unknown_room',
  'not_a_member',
  'empty_message',
  'message_too_long',
  'user_not_found',
  'message_not_found',
  'forbidden',
  'invalid_emoji',
  'name_taken',
];

/** Names socket.io-client refuses to emit. */
export const RESERVED = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);

/** The process itself (Jest hands specs a copy of `process` whose events never fire). */
export const realProcess = runInThisContext('process') as NodeJS.Process;

/** A short description of a value for failure messages. */
export const show = (value: unknown): string => {
  let text: string;
  try {
    text = JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value);
  } catch (error) {
    text = `<${(error as Error).message}>`;
  }
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text;
};

export type Answer = { ok?: unknown; error?: { code?: unknown; message?: unknown; [key: string]: unknown }; [key: string]: unknown };

/** The answer contract: `{ok: true, …}` or exactly `{ok: false, error: {code, message}}` with a known code. */
export const contractViolation = (answer: unknown): string | undefined => {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) return 'not an object';
  const { ok, error } = answer as Answer;
  if (ok === true) return 'error' in answer ? 'ok with an error' : undefined;
  if (ok !== false) return 'ok is neither true nor false';
  if (Object.keys(answer).sort().join() !== 'error,ok') return `unexpected fields ${Object.keys(answer).join()}`;
  if (typeof error !== 'object' || error === null) return 'error is not an object';
  if (Object.keys(error).sort().join() !== 'code,message') return `error has fields ${Object.keys(error).join()}`;
  if (typeof error.code !== 'string' || !CLIENT_CODES.includes(error.code)) return `answered code "${String(error.code)}"`;
  if (typeof error.message !== 'string' || error.message.length === 0) return 'no message';
  return undefined;
};

/** The events every @WebSocketGateway of the application subscribes to. */
export const gatewayEvents = (server: TestApp): string[] => {
  const events = new Set<string>();
  for (const module of server.app.get(ModulesContainer).values()) {
    for (const wrapper of module.providers.values()) {
      const type = wrapper.metatype as (new (...args: unknown[]) => unknown) | null | undefined;
      if (typeof type !== 'function' || Reflect.getMetadata('websockets:is_gateway', type) !== true) continue;
      for (
        let proto = type.prototype as object | null;
        proto !== null && proto !== Object.prototype;
        proto = Object.getPrototypeOf(proto) as object | null
      ) {
        for (const name of Object.getOwnPropertyNames(proto)) {
          const method = Object.getOwnPropertyDescriptor(proto, name)?.value as unknown;
          if (typeof method === 'function' && Reflect.getMetadata('websockets:message_mapping', method) === true) {
            events.add(Reflect.getMetadata('message', method) as string);
          }
        }
      }
    }
  }
  return [...events].sort();
};

/** The fields each documented event accepts (README); any other own key must be refused as unexpected. */
export const FIELDS: Record<string, readonly string[]> = {
  join: ['room', 'since'],
  leave: ['room'],
  message: ['room', 'msg', 'type', 'target', 'clientId'],
  private_message: ['target', 'msg', 'clientId'],
};

/** Fields of the newer events (src/interface/ws/dto), to reach their happy paths too; unknown events get every field. */
export const MORE_FIELDS: Record<string, readonly string[]> = {
  edit_message: ['room', 'messageId', 'msg'],
  delete_message: ['room', 'messageId'],
  react: ['room', 'messageId', 'emoji'],
  typing: ['room', 'target', 'typing'],
  create_room: ['name', 'visibility', 'topic'],
  create_invite: ['room', 'maxUses', 'expiresIn'],
  set_topic: ['room', 'topic'],
  archive_room: ['room'],
  set_role: ['room', 'user', 'role'],
  kick: ['room', 'user', 'reason'],
  ban: ['room', 'user', 'until', 'reason'],
  unban: ['room', 'user'],
  mute: ['room', 'user', 'until', 'reason'],
  unmute: ['room', 'user'],
  remove_message: ['room', 'messageId', 'reason'],
  slow_mode: ['room', 'seconds'],
};

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;

/** Violations grouped by kind, each with its shortest example, so one run reports every distinct failure. */
export class Findings {
  private readonly groups = new Map<string, { count: number; example: string }>();

  add(kind: string, example: string): void {
    const group = this.groups.get(kind);
    if (group === undefined) this.groups.set(kind, { count: 1, example });
    else {
      group.count++;
      if (example.length < group.example.length) group.example = example;
    }
  }

  /** Nothing when all went well; otherwise the seed to replay first, then each kind of failure. */
  report(): string[] {
    if (this.groups.size === 0) return [];
    return [
      `seed ${SEED} (rerun with FUZZ_SEED=${SEED})`,
      ...[...this.groups].map(([kind, { count, example }]) => `${kind} (×${count}), e.g. ${example}`),
    ];
  }
}

/** What the server logged as an error since `from`, as short lines. */
export const loggedSince = (logged: unknown[][], from: number): string =>
  logged
    .slice(from)
    .map(([, line]) => {
      const err = (line as { err?: Error } | undefined)?.err;
      return err instanceof Error || (typeof err === 'object' && err !== null)
        ? `${(err as Error).name}: ${(err as Error).message}`
        : show(line);
    })
    .join('; ');

/** The JSON size of the arguments, or undefined when the client could not even serialise them. */
export const wireSize = (args: unknown[]): number | undefined => {
  try {
    return Buffer.byteLength(JSON.stringify(args) ?? '');
  } catch {
    return undefined;
  }
};

/** socket.io-client's timeout error, as opposed to its failing to encode the arguments. */
export const isTimeout = (error: unknown): boolean => /timed out/.test((error as Error).message);

/** Stays well under Socket.IO's maxHttpBufferSize, which closes the connection (test/e2e/malformed-payloads.e2e-spec.ts). */
export const MAX_FRAME = Math.floor(0.9 * maxFrameBytes(DEFAULT_MAX_MESSAGE_LENGTH));

/** Asks `event` with `args` and expects it refused with invalid_payload (its message matching `message`), storing nothing. */
export const expectRefusedUnchanged = async (
  server: TestApp,
  socket: TestSocket,
  event: string,
  args: readonly unknown[],
  message: unknown = expect.any(String),
): Promise<void> => {
  const before = await server.store.headPosition();
  await expect(socket.ask(event, ...args)).resolves.toEqual({ ok: false, error: { code: 'invalid_payload', message } });
  expect(await server.store.headPosition()).toBe(before);
};
