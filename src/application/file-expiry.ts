import { Injectable, Logger } from '@nestjs/common';
import { fileDecider, fileStream } from '../domain/file/file.decider';
import { CommandExecutor } from './command-executor';
import { AppConfig } from './ports/app-config';
import { BlobStore } from './ports/blob-store.port';
import { Clock } from './ports/clock.port';
import { IdGenerator } from './ports/id-generator.port';
import { FileCatalog } from './file-catalog';
import { FilesReadModel } from './read-models/files.read-model';

/** Files expired per sweep at most; a full sweep is followed by the next one at once. */
export const EXPIRY_BATCH = 100;

/**
 * A process manager driven by a timer: a file not shared within UPLOAD_TTL of its upload gets
 * `FileExpired` on its stream (the file decider refuses it once the file is shared, and refuses a
 * share once it expired), then its bytes are deleted. Sweeps at start, so files that expired while
 * the server was down go too, then every quarter of the TTL (at most a minute); every node sweeps,
 * and a file expired by another node is a no-op.
 */
@Injectable()
export class FileExpiry {
  private readonly logger = new Logger(FileExpiry.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly files: FilesReadModel,
    private readonly catalog: FileCatalog,
    private readonly executor: CommandExecutor,
    private readonly blobs: BlobStore,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly config: AppConfig,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Expires up to EXPIRY_BATCH files due now; resolves with how many were due. */
  async sweep(): Promise<number> {
    const due = this.files.unsharedSince(this.clock.now().getTime() - this.config.uploadTtlMs, EXPIRY_BATCH);
    for (const fileId of due) {
      if (this.stopped) break;
      try {
        await this.executor.execute(
          fileStream(fileId),
          fileDecider,
          { type: 'ExpireFile', data: { fileId } },
          { correlationId: this.ids.id() },
        );
        // Still known: it was shared meanwhile and stays. Otherwise it expired (here or on another node).
        if ((await this.catalog.file(fileId)) === undefined) {
          await this.blobs.delete(fileId);
          this.logger.log({ fileId, reason: 'not_shared' }, 'file expired');
        }
      } catch (error) {
        this.logger.warn({ fileId, err: error }, 'file expiry failed; retried on the next sweep');
        break;
      }
    }
    return due.length;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.sweep().then(
        (due) => this.schedule(due >= EXPIRY_BATCH ? 0 : this.interval()),
        () => this.schedule(this.interval()),
      );
    }, delayMs);
    this.timer.unref();
  }

  private interval(): number {
    return Math.min(60_000, Math.max(50, Math.floor(this.config.uploadTtlMs / 4)));
  }
}
