import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobStore } from '../application/ports/blob-store.port';
import { StoreUnavailableError } from '../application/ports/event-store.port';

const SAFE_ID = /^[0-9a-f-]{36}$/;

export const checkId = (id: string): string => {
  if (!SAFE_ID.test(id)) throw new Error(`Invalid blob id ${id}`);
  return id;
};

/** One file per blob under `<DATA_DIR>/files`, written to a temporary name first so a crash leaves no half file. */
export class DiskBlobStore extends BlobStore {
  constructor(private readonly dir: string) {
    super();
  }

  async put(id: string, bytes: Buffer): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const target = join(this.dir, checkId(id));
    const temporary = `${target}.part`;
    try {
      await writeFile(temporary, bytes, { flag: 'wx' });
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw new StoreUnavailableError(`Cannot store the file: ${(error as Error).message}`, { cause: error });
    }
  }

  async get(id: string): Promise<Buffer | undefined> {
    try {
      return await readFile(join(this.dir, checkId(id)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async delete(id: string): Promise<void> {
    await rm(join(this.dir, checkId(id)), { force: true });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
