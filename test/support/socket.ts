import { io, type Socket } from 'socket.io-client';

export interface ConnectOptions {
  token?: string;
  cookie?: string;
  headers?: Record<string, string>;
  /** More handshake auth fields beside `token`, e.g. `{ presence: 'diff' }`. */
  auth?: Record<string, unknown>;
}

export interface Session {
  username: string;
  token: string;
  resumed: boolean;
  account: boolean;
  rooms: string[];
  /** The stable public id on every message this user wrote. */
  authorId: string;
  refused?: string;
}

/** A connected client that records every event it receives, so no push can be missed. */
export interface TestSocket {
  readonly raw: Socket;
  readonly session: Session;
  readonly username: string;
  /** Every payload received so far for `event`. */
  received(event: string): unknown[];
  /** The next payload of `event` (matching `where`) after those already taken by earlier calls. */
  next<T = Record<string, unknown>>(event: string, where?: (payload: T) => boolean, timeoutMs?: number): Promise<T>;
  /** Emits with an acknowledgement and resolves with the answer. */
  ask<T = Record<string, unknown>>(event: string, ...args: unknown[]): Promise<T>;
  close(): void;
}

export const connect = (url: string, options: ConnectOptions = {}): Promise<TestSocket> => {
  const raw = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    ...(options.token !== undefined || options.auth !== undefined
      ? { auth: { ...options.auth, ...(options.token !== undefined ? { token: options.token } : {}) } }
      : {}),
    extraHeaders: { ...options.headers, ...(options.cookie !== undefined ? { cookie: options.cookie } : {}) },
  });
  const log = new Map<string, unknown[]>();
  const taken = new Map<string, number>();
  const listeners = new Set<() => void>();
  raw.onAny((event: string, payload: unknown) => {
    let list = log.get(event);
    if (list === undefined) log.set(event, (list = []));
    list.push(payload);
    for (const listener of [...listeners]) listener();
  });

  const next = <T>(event: string, where: (payload: T) => boolean = () => true, timeoutMs = 3000): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const check = (): boolean => {
        const list = (log.get(event) ?? []) as T[];
        for (let i = taken.get(event) ?? 0; i < list.length; i++) {
          if (where(list[i] as T)) {
            taken.set(event, i + 1);
            resolve(list[i] as T);
            return true;
          }
        }
        return false;
      };
      if (check()) return;
      const listener = (): void => {
        if (check()) done();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`No "${event}" event within ${timeoutMs} ms; got ${JSON.stringify(log.get(event) ?? [])}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        listeners.delete(listener);
      };
      listeners.add(listener);
    });

  return new Promise((resolve, reject) => {
    raw.once('connect_error', reject);
    raw.once('session', (session: Session) => {
      resolve({
        raw,
        session,
        username: session.username,
        received: (event) => [...(log.get(event) ?? [])],
        next,
        ask: <T>(event: string, ...args: unknown[]) => raw.timeout(3000).emitWithAck(event, ...args) as Promise<T>,
        close: () => raw.close(),
      });
    });
  });
};
