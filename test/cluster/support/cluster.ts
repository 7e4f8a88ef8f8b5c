import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { connect, type ConnectOptions, type TestSocket } from '../../support/socket';
import { spawnServer, type ServerProcess } from '../../support/server-process';

export { eventually } from '../../support/eventually';

const PG_ADMIN = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const CLUSTER_SECRET = 'cluster-spec-secret-0123456789abcdef';

const pgUrl = (database: string): string => {
  const url = new URL(PG_ADMIN);
  url.pathname = `/${database}`;
  return url.toString();
};

/** Leaves every timing variable to the product's default (spawnServer leaves out a variable set to undefined). */
export const PRODUCT_TIMINGS: Readonly<Record<string, undefined>> = {
  PRESENCE_GRACE_MS: undefined,
  NODE_TIMEOUT_MS: undefined,
};

export interface Node {
  readonly name: string;
  readonly url: string;
  readonly process: ServerProcess['child'];
  output(): string;
  connect(options?: ConnectOptions): Promise<TestSocket>;
  get<T = unknown>(path: string): Promise<{ status: number; body: T }>;
}

/**
 * Several real server processes (`node dist/main.js`) on one fresh PostgreSQL database and the
 * local Redis, each on its own port, as a load balancer would see them.
 */
export class Cluster {
  private readonly nodes: Node[] = [];
  private readonly sockets: TestSocket[] = [];
  private readonly dataDir = mkdtempSync(join(tmpdir(), 'chat-cluster-'));

  private constructor(
    readonly database: string,
    readonly name: string,
    private readonly env: Record<string, string | undefined>,
  ) {}

  /** `env` on top of the cluster specs' shortened timings; `PRODUCT_TIMINGS` for the product's. */
  static async create(env: Record<string, string | undefined> = {}): Promise<Cluster> {
    const suffix = `${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    const database = `chat_cluster_${suffix}`;
    const admin = new Client({ connectionString: PG_ADMIN });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    return new Cluster(database, `spec-${suffix}`, env);
  }

  get eventStoreUrl(): string {
    return pgUrl(this.database);
  }

  /** Starts one more node and resolves when it answers /ready. */
  async startNode(env: Record<string, string | undefined> = {}): Promise<Node> {
    const name = `node-${this.nodes.length + 1}`;
    const server = await spawnServer({
      DATA_DIR: this.dataDir,
      EVENT_STORE: this.eventStoreUrl,
      REDIS_URL,
      CLUSTER_NAME: this.name,
      SECRET_KEY: CLUSTER_SECRET,
      PRESENCE_GRACE_MS: '500',
      NODE_TIMEOUT_MS: '3000',
      NODE_ID: `${this.name}-${name}-${Date.now()}`,
      ...this.env,
      ...env,
    });
    const { url } = server;
    const node: Node = {
      name,
      url,
      process: server.child,
      output: server.output,
      connect: async (options) => {
        const socket = await connect(url, options);
        this.sockets.push(socket);
        return socket;
      },
      get: async <T>(path: string) => {
        const response = await fetch(`${url}${path}`);
        return { status: response.status, body: (await response.json()) as T };
      },
    };
    this.nodes.push(node);
    await server.ready();
    return node;
  }

  async start(count: number): Promise<Node[]> {
    const started: Node[] = [];
    for (let i = 0; i < count; i++) started.push(await this.startNode());
    return started;
  }

  kill(node: Node): Promise<void> {
    return new Promise((resolve) => {
      if (node.process.exitCode !== null || node.process.signalCode !== null) return resolve();
      node.process.once('exit', () => resolve());
      node.process.kill('SIGKILL');
    });
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.close();
    await Promise.all(
      this.nodes.map(
        (node) =>
          new Promise<void>((resolve) => {
            if (node.process.exitCode !== null || node.process.signalCode !== null) return resolve();
            node.process.once('exit', () => resolve());
            node.process.kill('SIGTERM');
          }),
      ),
    );
    const admin = new Client({ connectionString: PG_ADMIN });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${this.database} WITH (FORCE)`);
    await admin.end();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
