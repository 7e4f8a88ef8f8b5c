/** Where uploaded files' bytes live: a folder for one node, PostgreSQL so every node of a cluster can serve every file. */
export abstract class BlobStore {
  abstract put(id: string, bytes: Buffer): Promise<void>;
  /** The bytes, or undefined when there is no such blob. */
  abstract get(id: string): Promise<Buffer | undefined>;
  abstract delete(id: string): Promise<void>;
  abstract close(): Promise<void>;
}
