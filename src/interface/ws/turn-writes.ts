import { Injectable } from '@nestjs/common';
import type { Server } from 'socket.io';

/** What this needs of engine.io's connection and its websocket transport. */
interface Connection {
  readyState: string;
  transport: { name: string; writable: boolean; socket?: { _socket?: { cork(): void; uncork(): void } } };
  flush(): void;
}

/**
 * Sends what one turn of the event loop writes to the sockets of a room as one write per socket.
 *
 * A batch of appends comes back from the store in one turn: its messages to a room, their senders'
 * acks and anything else for the same sockets would otherwise leave as one write to the kernel per
 * frame and per socket, which is most of what a fan-out costs (and as many reads for each client).
 * Held, they leave together at the end of the turn (`setImmediate`, before the event loop waits for
 * I/O again), in order, as one `writev` per socket.
 *
 * It uses what engine.io does while a write is in flight: with the websocket transport's `writable`
 * false, packets wait in the connection's write buffer, and `flush()` hands them to the transport in
 * one call, here inside a cork of the TCP socket. Only websocket transports that are idle are held;
 * a volatile packet to a held socket would be dropped, as while a write is in flight (none is sent).
 * One instance serves every push of the node, so what different pushes write to one socket in a turn
 * also leaves together.
 */
@Injectable()
export class TurnWrites {
  private held: Connection[] = [];
  private readonly heldRooms = new Set<string>();
  private scheduled = false;

  /** Holds what is written to the sockets in `room` on this node until the end of the turn. */
  hold(server: Server, room: string): void {
    if (this.heldRooms.has(room)) return;
    const ids = server.sockets.adapter.rooms.get(room);
    if (ids === undefined) return;
    this.heldRooms.add(room);
    this.holdSockets(server, ids);
  }

  /** Holds what is written to the sockets of these ids on this node until the end of the turn. */
  holdSockets(server: Server, ids: Iterable<string>): void {
    const sockets = server.sockets.sockets;
    for (const id of ids) {
      const connection = sockets.get(id)?.conn as Partial<Connection> | undefined;
      const transport = connection?.transport;
      if (transport?.name !== 'websocket' || transport.writable !== true || typeof connection?.flush !== 'function') continue;
      transport.writable = false;
      this.held.push(connection as Connection);
    }
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.release);
    }
  }

  private readonly release = (): void => {
    const held = this.held;
    this.held = [];
    this.heldRooms.clear();
    this.scheduled = false;
    for (const connection of held) connection.transport.writable = true;
    for (const connection of held) {
      if (connection.readyState === 'closed') continue;
      const tcp = connection.transport.socket?._socket;
      tcp?.cork();
      try {
        connection.flush();
      } catch {
        // A connection that fails to write closes on its own error; the others still go out.
      } finally {
        tcp?.uncork();
      }
    }
  };
}
