import { Pool } from 'pg';
import { BlobStore } from '../application/ports/blob-store.port';
import { StoreUnavailableError } from '../application/ports/event-store.port';
import { checkId } from './blob-stores';

/** Blobs in a `blobs` table of the event store's database. */
export class PostgresBlobStore extends BlobStore {
  private constructor(private readonly pool: Pool) {
    super();
  }

  static async connect(url: string): Promise<PostgresBlobStore> {
    const pool = new Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5000, application_name: 'nest-chat-blobs' });
    pool.on('error', () => undefined);
    try {
      await pool.query(
        'CREATE TABLE IF NOT EXISTS blobs (id text PRIMARY KEY, data bytea NOT NULL, created_at timestamptz NOT NULL DEFAULT now())',
      );
    } catch (error) {
      // Several nodes creating the table at once: one wins, the others find it there.
      if ((error as { code?: string }).code !== '23505' && (error as { code?: string }).code !== '42P07') {
        await pool.end();
        throw new StoreUnavailableError(`Cannot prepare the blobs table: ${(error as Error).message}`, { cause: error });
      }
    }
    return new PostgresBlobStore(pool);
  }

  async put(id: string, bytes: Buffer): Promise<void> {
    try {
      await this.pool.query('INSERT INTO blobs (id, data) VALUES ($1, $2)', [checkId(id), bytes]);
    } catch (error) {
      throw new StoreUnavailableError(`Cannot store the file: ${(error as Error).message}`, { cause: error });
    }
  }

  async get(id: string): Promise<Buffer | undefined> {
    const { rows } = await this.pool.query<{ data: Buffer }>('SELECT data FROM blobs WHERE id = $1', [checkId(id)]);
    return rows[0]?.data;
  }

  async delete(id: string): Promise<void> {
    await this.pool.query('DELETE FROM blobs WHERE id = $1', [checkId(id)]);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
