/**
 * Which server nodes are alive. Each node heartbeats; a node that stops heartbeating (killed,
 * cut off) drops out, and the survivors close the connections it held.
 */
export abstract class NodeRegistry {
  /** False for a single process, where only this node can ever be alive. */
  abstract readonly shared: boolean;

  /** Marks `node` alive for the registry's time-out from now. */
  abstract heartbeat(node: string): Promise<void>;
  /** The nodes whose heartbeat has not timed out, each with how long ago (ms) it last heartbeated. */
  abstract aliveNodes(): Promise<ReadonlyMap<string, number>>;
  /** Takes `node` out at once (a clean stop), so others need not wait for the time-out. */
  abstract leave(node: string): Promise<void>;
  abstract close(): Promise<void>;
}
