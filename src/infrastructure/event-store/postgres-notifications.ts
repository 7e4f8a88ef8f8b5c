import { Client, escapeIdentifier } from 'pg';

const RETRY_MS = { min: 250, max: 5000 };

/** Channel names are identifiers: at most 63 bytes. */
export const channelFor = (schema: string): string => {
  const name = `event_store:${schema}`;
  if (Buffer.byteLength(name) <= 63) return name;
  let hash = 0;
  for (const char of name) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return `event_store:${(hash >>> 0).toString(16)}`;
};

/** A notification's payload as the position it says was committed, if it says one. */
export const notifiedPosition = (payload: string | undefined): number | undefined => {
  const position = Number(payload);
  return Number.isSafeInteger(position) && position > 0 ? position : undefined;
};

/**
 * A dedicated LISTEN connection for other nodes' appends. It reconnects on its own with back-off;
 * `onNotify` is also called after each (re)connect (with no position), so whatever was committed
 * while it was not listening is caught up. A notification passes the position its payload names:
 * the last of the batch committed.
 */
export class PostgresNotifications {
  private listener: Client | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs = RETRY_MS.min;
  private reconnecting: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly applicationName: string,
    private readonly onNotify: (upTo?: number) => void,
    private readonly onError: (error: unknown, context: string) => void,
  ) {}

  async listen(): Promise<void> {
    const client = new Client({
      connectionString: this.url,
      keepAlive: true,
      connectionTimeoutMillis: 5000,
      application_name: `${this.applicationName} (listen)`,
    });
    let lost = false;
    const onLost = (error?: unknown): void => {
      if (lost) return;
      lost = true;
      if (this.listener === client) this.listener = undefined;
      if (this.closed) return;
      if (error !== undefined) this.onError(error, 'LISTEN connection');
      client.end().catch(() => undefined);
      this.scheduleListen();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (message) => this.onNotify(notifiedPosition(message.payload)));
    try {
      await client.connect();
      await client.query(`LISTEN ${escapeIdentifier(this.channel)}`);
    } catch (error) {
      lost = true;
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
    this.retryMs = RETRY_MS.min;
    this.onNotify();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.reconnecting;
    const listener = this.listener;
    this.listener = undefined;
    if (listener !== undefined) await listener.end().catch(() => undefined);
  }

  private scheduleListen(): void {
    if (this.closed || this.retryTimer !== undefined) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MS.max);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.reconnecting = this.listen()
        .catch((error: unknown) => {
          if (this.closed) return;
          this.onError(error, 'LISTEN reconnect');
          this.scheduleListen();
        })
        .finally(() => {
          this.reconnecting = undefined;
        });
    }, delay);
  }
}
