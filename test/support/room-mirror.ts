import type { TestSocket } from './socket';

/** A room message as a client holds it: the `message` payload with every change applied. */
export type MirroredMessage = {
  id: string;
  seq: number;
  room: string;
  msg: string;
  username: string;
  timestamp: string;
  clientId?: string;
  attachment?: unknown;
  editedAt?: string;
  deleted?: boolean;
  reactions?: Record<string, string[]>;
};

/** The pushes that change a room's messages, each carrying the room's `cursor`. */
export const CHANGE_EVENTS = ['message', 'message_edited', 'message_deleted', 'reaction'] as const;
export type ChangeEvent = (typeof CHANGE_EVENTS)[number];
export type Change = { event: ChangeEvent; data: Record<string, unknown> & { cursor: number } };
export type ChangesPage = { room: string; changes: Change[]; cursor: number; hasMore: boolean };

const withoutCursor = ({ cursor: _, ...rest }: Record<string, unknown>): Record<string, unknown> => rest;

/**
 * One room as a client sees it, built only from what the server sends: a `history` page, then pushes
 * and resumed `changes`, each applied once, in cursor order (a change at or below the cursor is
 * already in). What a page or an app would hold; specs compare mirrors with each other and with the log.
 */
export class RoomMirror {
  readonly messages = new Map<string, MirroredMessage>();
  cursor = 0;
  /** Every change applied, by cursor: a change applied twice would show here. */
  readonly applied: number[] = [];
  /** Pushes that arrive while a resume is under way: applied after its changes, which come before them. */
  private held: [ChangeEvent, Record<string, unknown>][] | undefined;
  private readonly waiting = new Set<() => void>();

  constructor(readonly room: string) {}

  /** A mirror of `room` through `socket`: it joins, and mirrors from its first `history` page on. */
  static async joined(socket: TestSocket, room: string): Promise<RoomMirror> {
    const mirror = new RoomMirror(room);
    const history = new Promise<{ messages: MirroredMessage[]; cursor: number }>((resolve) => socket.raw.once('history', resolve));
    mirror.follow(socket);
    await socket.ask('join', { room });
    mirror.history(await history);
    return mirror;
  }

  /** A `history` page (the newest messages) and the cursor it stands at. */
  history(page: { messages: MirroredMessage[]; cursor: number }): void {
    for (const message of page.messages) this.messages.set(message.id, { ...message });
    this.cursor = Math.max(this.cursor, page.cursor);
  }

  /** One push or resumed change; false when it was already in. */
  apply(event: ChangeEvent, data: Record<string, unknown>): boolean {
    const cursor = data.cursor as number;
    if (data.room !== this.room || cursor <= this.cursor) return false;
    this.cursor = cursor;
    this.applied.push(cursor);
    for (const wake of this.waiting) wake();
    const id = data.id as string;
    if (event === 'message') {
      this.messages.set(id, withoutCursor(data) as MirroredMessage);
      return true;
    }
    const held = this.messages.get(id);
    if (held === undefined) return true; // older than what this client ever loaded
    const { room: _, id: __, seq: ___, cursor: ____, reactions, ...change } = data as Record<string, unknown>;
    const next: MirroredMessage = { ...held, ...(change as Partial<MirroredMessage>) };
    if (next.deleted === true) {
      next.msg = '';
      delete next.attachment;
    }
    const emoji = reactions as Record<string, string[]> | undefined;
    if (emoji === undefined || Object.keys(emoji).length === 0) delete next.reactions;
    else next.reactions = emoji;
    this.messages.set(id, next);
    return true;
  }

  /** Applies every push this socket receives for the room from now on. */
  follow(socket: TestSocket): void {
    for (const event of CHANGE_EVENTS) {
      socket.raw.on(event, (data: Record<string, unknown>) => (this.held ? this.held.push([event, data]) : this.apply(event, data)));
    }
  }

  /**
   * `join {room, cursor}` until the server has nothing more, then the pushes that arrived meanwhile
   * (each carries its cursor, so what a page already held is not applied twice). Returns the pages.
   */
  async resume(socket: TestSocket): Promise<ChangesPage[]> {
    const pages: ChangesPage[] = [];
    this.held = [];
    for (;;) {
      const page = new Promise<ChangesPage>((resolve) => socket.raw.once('changes', resolve));
      const ack = await socket.ask<{ ok: boolean }>('join', { room: this.room, cursor: this.cursor });
      if (!ack.ok) throw new Error(`join refused: ${JSON.stringify(ack)}`);
      const changes = await page;
      pages.push(changes);
      for (const change of changes.changes) this.apply(change.event, change.data);
      this.cursor = Math.max(this.cursor, changes.cursor);
      if (!changes.hasMore) break;
    }
    for (const [event, data] of this.held.splice(0)) this.apply(event, data);
    this.held = undefined;
    return pages;
  }

  /** Resolves once the mirror has applied everything up to `cursor` (pushes to others come after the sender's ack). */
  reached(cursor: number, timeoutMs = 3000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.cursor < cursor) return;
        this.waiting.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting.delete(check);
        reject(new Error(`${this.room}: at cursor ${this.cursor} after ${timeoutMs} ms, waiting for ${cursor}`));
      }, timeoutMs);
      this.waiting.add(check);
      check();
    });
  }

  /** The messages oldest first. */
  list(): MirroredMessage[] {
    return [...this.messages.values()].sort((a, b) => a.seq - b.seq);
  }
}
