import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { StoreUnavailableError } from '../../application/ports/event-store.port';

/** What the writer answers for one append of a batch. */
export type WriterOutcome = { version: number; positions: number[] } | { conflict: number } | { duplicate: true };

/** An append as the writer takes it: the event's columns after stream and version, already encoded. */
export type WriterAppend = {
  readonly streamId: string;
  readonly expectedVersion: number | 'any';
  readonly rows: readonly (readonly unknown[])[];
};

type Answer = { id: number; outcomes?: WriterOutcome[]; ok?: true; failure?: { code: string; message: string } };

/** The worker's file beside this one: plain JavaScript, so it runs from the sources and from the build alike. */
const WORKER = join(__dirname, 'sqlite-writer.worker.js');

/** How often the checkpointer copies the write-ahead log into the database. */
const CHECKPOINT_EVERY_MS = 250;

/** A write that failed for good: SQLite's code decides whether it is the storage (unavailable) or a bug. */
export class WriteFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'WriteFailure';
  }
}

/** What SQLite's integrity check found damaged. */
export class IntegrityFailure extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'IntegrityFailure';
  }
}

/**
 * The main thread's side of the SQLite log's writer thread (`sqlite-writer.worker.js`): sends it a
 * batch of appends or a snapshot and resolves with its answer. Requests are answered in the order
 * sent. If the thread dies, every request in flight and every later one fails as unavailable.
 */
export class SqliteWriter {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (answer: Answer) => void; reject: (error: unknown) => void }>();
  private nextId = 0;
  private broken: Error | undefined;
  private closing = false;
  private readonly checkpointerExited: Promise<void>;
  private readonly exited: Promise<void>;

  /** Copies the write-ahead log into the database every CHECKPOINT_EVERY_MS, so the writer never waits for a checkpoint. */
  private readonly checkpointer: Worker;

  constructor(file: string, insertSql: string) {
    this.worker = new Worker(WORKER, { workerData: { file, insertSql } });
    this.worker.unref();
    this.checkpointer = new Worker(WORKER, { workerData: { file, checkpointer: true, checkpointEveryMs: CHECKPOINT_EVERY_MS } });
    this.checkpointer.unref();
    // Without it, the writer checkpoints as SQLite does by default (every 1,000 pages), so the log stays bounded.
    this.checkpointerExited = new Promise((resolve) =>
      this.checkpointer.once('exit', () => {
        if (this.broken === undefined && !this.closing) this.worker.postMessage({ autocheckpoint: true });
        resolve();
      }),
    );
    this.checkpointer.on('error', () => undefined);
    this.worker.on('message', (answer: Answer) => {
      const request = this.waiting.get(answer.id);
      this.waiting.delete(answer.id);
      request?.resolve(answer);
    });
    this.exited = new Promise((resolve) => {
      this.worker.once('error', (error) => this.fail(error));
      this.worker.once('exit', () => {
        this.fail(new Error('the writer thread stopped'));
        resolve();
      });
    });
  }

  /** Writes a batch of appends as one transaction; resolves with each append's outcome. */
  async append(appends: readonly WriterAppend[]): Promise<WriterOutcome[]> {
    return (await this.request({ appends })).outcomes ?? [];
  }

  /**
   * SQLite's quick_check of the whole file, on the checkpointer's thread and connection (no thread
   * of its own: a thread would hold its own heap while it reads): resolves when the file is whole,
   * rejects with what is damaged, or if the thread stops first.
   */
  checkIntegrity(): Promise<void> {
    return new Promise((resolve, reject) => {
      const answered = (message: { check?: { ok: boolean; detail?: string } }): void => {
        if (message.check === undefined) return;
        this.checkpointer.off('message', answered);
        if (message.check.ok) resolve();
        else reject(new IntegrityFailure(message.check.detail ?? 'unknown'));
      };
      this.checkpointer.on('message', answered);
      void this.checkpointerExited.then(() => {
        this.checkpointer.off('message', answered);
        reject(new Error('the checking thread stopped'));
      });
      this.checkpointer.postMessage({ check: true });
    });
  }

  async saveSnapshot(row: readonly [string, string, number, string, string]): Promise<void> {
    await this.request({ snapshot: row });
  }

  /** Lets the requests in flight finish, then stops the thread (its connection closed). */
  async close(): Promise<void> {
    this.closing = true;
    // Both threads' connections are closed before this resolves, so the file can be opened again at once.
    this.checkpointer.postMessage({ close: true });
    await this.checkpointerExited;
    if (this.broken === undefined) {
      this.worker.postMessage({ close: true });
      await this.exited;
    }
  }

  private request(message: object): Promise<Answer> {
    if (this.broken !== undefined) return Promise.reject(new StoreUnavailableError(`Event store write failed: ${this.broken.message}`));
    const id = ++this.nextId;
    return new Promise<Answer>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...message });
    }).then((answer) => {
      if (answer.failure !== undefined) throw new WriteFailure(answer.failure.code, answer.failure.message);
      return answer;
    });
  }

  private fail(error: Error): void {
    this.broken ??= error;
    for (const request of this.waiting.values()) {
      request.reject(new StoreUnavailableError(`Event store write failed: ${error.message}`, { cause: error }));
    }
    this.waiting.clear();
  }
}
