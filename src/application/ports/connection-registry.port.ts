/**
 * The Socket.IO connections of every user, per node: what is live now, not history. On one node it is
 * memory; in a cluster each node also mirrors its own connections into Redis with a time-to-live that its
 * heartbeat (`refresh`) extends, so other nodes can tell whether a user is still connected anywhere and
 * a dead node's connections vanish.
 */
export abstract class ConnectionRegistry {
  /** False for a single process, where only this node's connections exist. */
  abstract readonly shared: boolean;

  /** `connectionId` of `userId` is open on `node` (this node). */
  abstract add(connectionId: string, userId: string, node: string): Promise<void>;
  /** `connectionId` on `node` (this node) closed; the user it belonged to, or undefined if it was not registered. */
  abstract remove(connectionId: string, node: string): Promise<string | undefined>;
  /**
   * Which of these users have a connection on any node. Undefined when it cannot tell yet (the shared
   * store lost its data a moment ago and the nodes are still writing theirs back): ask again later, and
   * take no one for gone meanwhile. Rejects when the shared store cannot be reached.
   */
  abstract connected(userIds: readonly string[]): Promise<ReadonlySet<string> | undefined>;
  /** The nodes that have (or had, until forgotten or expired) connections registered. */
  abstract nodes(): Promise<string[]>;
  /** The users with connections on `node`. */
  abstract usersOn(node: string): Promise<string[]>;
  /** Drops everything registered for `node` (a dead node). */
  abstract forget(node: string): Promise<void>;
  /** This node's heartbeat: keeps its connections from expiring, and writes them back if the shared store lost them. */
  abstract refresh(node: string): Promise<void>;
  /** Connections open on this node. */
  abstract localCount(): number;
}
