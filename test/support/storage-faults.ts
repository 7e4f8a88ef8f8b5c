import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnServer, type ServerProcess } from './server-process';

/**
 * What the storage-fault specs share: starting a server process on a data directory and telling how
 * the start ends, and tmpfs mounts (read-only, small, full) that need root or CAP_SYS_ADMIN.
 */

export type Outcome = { kind: 'exited'; code: number | null } | { kind: 'ready' } | { kind: 'hung' };

/** What a start comes to: the process exits, or answers /ready, or neither within `timeoutMs`. */
export const outcomeOf = async (server: ServerProcess, timeoutMs = 10_000): Promise<Outcome> => {
  let code: number | null | undefined;
  void server.exited.then((exit) => (code = exit.code));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (code !== undefined) return { kind: 'exited', code };
    try {
      if ((await fetch(`${server.url}/ready`)).ok) return { kind: 'ready' };
    } catch {
      // not listening (yet)
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return code !== undefined ? { kind: 'exited', code } : { kind: 'hung' };
};

export const startServer = async (dataDir: string): Promise<ServerProcess> => {
  const server = await spawnServer({ DATA_DIR: dataDir });
  const outcome = await outcomeOf(server);
  if (outcome.kind !== 'ready') throw new Error(`server did not start (${JSON.stringify(outcome)}):\n${server.stderr()}${server.stdout()}`);
  return server;
};

export const stop = async (server: ServerProcess): Promise<void> => {
  if (!server.alive()) return;
  server.child.kill('SIGTERM');
  expect(await server.exited).toEqual({ code: 0, signal: null });
};

/** Expects the start to fail: exit 1 with exactly one line on stderr, matching `pattern`. */
export const expectRefusedStart = async (dataDir: string, pattern: RegExp): Promise<void> => {
  const server = await spawnServer({ DATA_DIR: dataDir });
  const outcome = await outcomeOf(server, 8000);
  if (outcome.kind !== 'exited') {
    throw new Error(
      outcome.kind === 'ready' ? 'the server started and reported ready' : 'the start neither failed nor finished within 8 s',
    );
  }
  expect(outcome.code).toBe(1);
  const lines = server.stderr().trim().split('\n');
  expect(lines).toEqual([expect.stringMatching(pattern)]);
  expect(server.stdout()).not.toMatch(/listening on/);
};

// ---------------------------------------------------------------------------------------------
// Mounts

const mounts: string[] = [];

export const mountTmpfs = (options: string): string => {
  const dir = mkdtempSync(join(tmpdir(), 'chat-mount-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `these specs need to mount a tmpfs (run as root or with CAP_SYS_ADMIN); "mount -t tmpfs -o ${options} tmpfs ${dir}" failed: ${String((error as { stderr?: Buffer }).stderr ?? error)}`,
    );
  }
  mounts.push(dir);
  return dir;
};

export const remount = (dir: string, options: string): void =>
  void execFileSync('mount', ['-o', `remount,${options}`, dir], { stdio: 'pipe' });

export const unmountAll = (): void => {
  for (const dir of mounts.splice(0)) {
    try {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  }
};
