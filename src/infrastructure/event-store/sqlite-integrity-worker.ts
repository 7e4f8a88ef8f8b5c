import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * Runs SQLite's quick_check on the event log in a worker thread, on a read-only connection of its
 * own, so a large log is checked while the server already serves. Posts `{ ok: true }` or
 * `{ ok: false, detail }`.
 */
const { file } = workerData as { file: string };
let answer: { ok: true } | { ok: false; detail: string };
try {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const check = db.pragma('quick_check', { simple: true });
    answer = check === 'ok' ? { ok: true } : { ok: false, detail: String(check).split('\n').join('; ') };
  } finally {
    db.close();
  }
} catch (error) {
  answer = { ok: false, detail: (error as Error).message };
}
parentPort?.postMessage(answer);
