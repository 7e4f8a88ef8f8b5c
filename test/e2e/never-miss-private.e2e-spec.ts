import * as fc from 'fast-check';
import type { RecordedEvent } from '../../src/application/ports/event-store.port';
import { chatAction, EMOJI } from '../support/chat-actions';
import { runs, SEED } from '../support/fuzz';
import type { TestSocket } from '../support/socket';
import { appsClosedAfterEach, guestCookie, type TestApp } from '../support/test-app';

/**
 * Never miss a thing in a private conversation, as a property: random interleavings of sends,
 * edits, deletes, reactions, reads, disconnects and reconnects by its two sides (a second tab of
 * one of them too). At the end every tab, resumed with `private_sync` from its cursor, shows
 * exactly the fold of the log, and each side's unread count is the one recomputed from the log. A
 * failing run prints its seed: rerun with FUZZ_SEED=<seed>.
 */

jest.setTimeout(120_000);

/** Tabs: 0 and 1 are the first user's, 2 the second's. */
const TABS = 3;
const userOf = (tab: number): 0 | 1 => (tab < 2 ? 0 : 1);

/** A message as a tab shows it. */
type Shown = {
  id: string;
  seq: number;
  from: string;
  msg: string;
  deleted?: true;
  editedAt?: string;
  reactions?: Record<string, string[]>;
};
type Payload = Partial<Shown> & { id: string; cursor: number; reactions?: Record<string, string[]> };
type Sync = { ok: true; changes: { event: string; data: Payload }[]; cursor: number; hasMore: boolean };

/** One tab's view of the conversation: built from pushes and catch-ups, each message at the newest change applied to it. */
class Tab {
  readonly shown = new Map<string, Shown & { cursor: number }>();
  cursor = 0;
  socket: TestSocket | undefined;

  constructor(readonly cookie: string) {}

  apply(event: string, data: Payload): void {
    this.cursor = Math.max(this.cursor, data.cursor);
    const held = this.shown.get(data.id);
    if (event === 'private_message') {
      if (held === undefined) this.shown.set(data.id, { ...shownOf(data as Shown), cursor: data.cursor });
      return;
    }
    if (held === undefined || data.cursor <= held.cursor) return;
    const { editedAt, reactions } = data;
    this.shown.set(data.id, {
      id: held.id,
      seq: held.seq,
      from: held.from,
      msg: data.deleted === true ? '' : data.msg!,
      ...(data.deleted === true ? { deleted: true as const } : {}),
      ...(editedAt !== undefined ? { editedAt } : {}),
      ...(reactions !== undefined && Object.keys(reactions).length > 0 ? { reactions } : {}),
      cursor: data.cursor,
    });
  }

  list(): Shown[] {
    return [...this.shown.values()].sort((a, b) => a.seq - b.seq).map(({ cursor: _, ...shown }) => shown);
  }
}

const shownOf = ({ id, seq, from, msg, deleted, editedAt, reactions }: Shown): Shown => ({
  id,
  seq,
  from,
  msg,
  ...(deleted === true ? { deleted } : {}),
  ...(editedAt !== undefined ? { editedAt } : {}),
  ...(reactions !== undefined && Object.keys(reactions).length > 0 ? { reactions } : {}),
});

/** The conversation as a plain fold of the log, written independently of the server's code. */
const foldOfTheLog = (events: readonly RecordedEvent[]): Shown[] => {
  const messages = new Map<string, Shown & { reactors: Map<string, Map<string, string>> }>();
  for (const event of events) {
    const data = event.data as Record<string, string> & { messageId: string };
    const message = messages.get(data.messageId);
    if (event.type === 'PrivateMessageSent') {
      messages.set(data.messageId, { id: data.messageId, seq: event.position, from: data.from!, msg: data.text!, reactors: new Map() });
    } else if (message === undefined || message.deleted === true) {
      continue;
    } else if (event.type === 'PrivateMessageEdited') {
      Object.assign(message, { msg: data.text, editedAt: event.metadata.occurredAt });
    } else if (event.type === 'PrivateMessageDeleted') {
      Object.assign(message, { msg: '', deleted: true });
      message.reactors.clear();
    } else if (event.type === 'PrivateReactionAdded' || event.type === 'PrivateReactionRemoved') {
      const users = message.reactors.get(data.emoji!) ?? new Map<string, string>();
      if (event.type === 'PrivateReactionAdded') users.set(data.userId!, data.username!);
      else users.delete(data.userId!);
      if (users.size > 0) message.reactors.set(data.emoji!, users);
      else message.reactors.delete(data.emoji!);
    }
  }
  return [...messages.values()].map(({ reactors, ...message }) =>
    shownOf({ ...message, reactions: Object.fromEntries([...reactors].map(([emoji, users]) => [emoji, [...users.values()]])) }),
  );
};

const PUSHES = ['private_message', 'message_edited', 'message_deleted', 'reaction'];

describe('never miss a thing in a private conversation (property)', () => {
  const start = appsClosedAfterEach();

  it('leaves every tab with the fold of the log, and both unread counts as the log says', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(chatAction(TABS), { minLength: 5, maxLength: 30 }), async (actions) => {
        // A small window: most changes are to messages older than it.
        const server: TestApp = await start({ HISTORY_WINDOW: '3' });
        const cookies = [await guestCookie(server), await guestCookie(server)];
        const tabs = [new Tab(cookies[0]!), new Tab(cookies[0]!), new Tab(cookies[1]!)];
        const names: string[] = [];
        const connect = async (tab: Tab): Promise<void> => {
          const socket = await server.connect({ cookie: tab.cookie });
          tab.socket = socket;
          for (const event of PUSHES) socket.raw.on(event, (data: Payload) => tab.apply(event, data));
          const other = names[1 - userOf(tabs.indexOf(tab))];
          if (other === undefined) return;
          // Back: every change after the tab's cursor, each once, in order.
          const cursors: number[] = [];
          for (let since = tab.cursor; ;) {
            const page = await socket.ask<Sync>('private_sync', { with: other, since });
            expect(page.ok).toBe(true);
            for (const change of page.changes) tab.apply(change.event, change.data);
            cursors.push(...page.changes.map((change) => change.data.cursor));
            if (!page.hasMore) break;
            since = page.cursor;
          }
          expect(cursors.every((cursor, i) => i === 0 || cursor > cursors[i - 1]!)).toBe(true);
        };
        for (const tab of tabs) await connect(tab);
        names.push(tabs[0]!.socket!.username, tabs[2]!.socket!.username);

        const readSeq = [0, 0];
        let sent = 0;
        for (const step of actions) {
          const tab = tabs[step.by]!;
          const socket = tab.socket;
          if (step.kind === 'back') {
            if (socket === undefined) await connect(tab);
            continue;
          }
          if (socket === undefined) continue;
          const me = userOf(step.by);
          const other = names[1 - me]!;
          const logged = foldOfTheLog(await server.store.readAll(0, Number.MAX_SAFE_INTEGER));
          const live = logged.filter((m) => m.deleted !== true);
          const own = live.filter((m) => m.from === names[me]);
          switch (step.kind) {
            case 'send':
              await socket.ask('private_message', { target: other, msg: `p${sent++} by ${step.by}` });
              break;
            case 'edit':
              if (own.length > 0)
                await socket.ask('edit_message', { with: other, messageId: own[step.pick % own.length]!.id, msg: `edited ${step.pick}` });
              break;
            case 'delete':
              if (own.length > 0) await socket.ask('delete_message', { with: other, messageId: own[step.pick % own.length]!.id });
              break;
            case 'react':
              if (live.length > 0)
                await socket.ask('react', { with: other, messageId: live[step.pick % live.length]!.id, emoji: EMOJI[step.emoji] });
              break;
            case 'read': {
              const newest = Math.max(0, ...tab.list().map((m) => m.seq));
              if (newest > readSeq[me]!) {
                const ack = await socket.ask<{ ok: boolean; readSeq: number }>('read', { with: other, seq: newest });
                expect(ack.ok).toBe(true);
                readSeq[me] = ack.readSeq;
              }
              break;
            }
            case 'drop':
              socket.close();
              tab.socket = undefined;
              break;
          }
        }
        for (const tab of tabs) if (tab.socket === undefined) await connect(tab);

        const events = await server.store.readAll(0, Number.MAX_SAFE_INTEGER);
        const logged = foldOfTheLog(events);
        const head = events.filter((e) => e.type.startsWith('Private') && e.type !== 'PrivateReadMarkerMoved').at(-1)?.position ?? 0;
        for (const tab of tabs) {
          const deadline = Date.now() + 10_000;
          while (tab.cursor < head && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
          expect({ seed: SEED, shown: tab.list() }).toEqual({ seed: SEED, shown: logged });
        }
        for (const me of [0, 1] as const) {
          const response = await server.http().get('/api/unread').set('Cookie', cookies[me]!).expect(200);
          const entries = response.body.conversations as { with: string; count: number; readSeq: number }[];
          const entry = entries.find((e) => e.with === names[1 - me]) ?? { count: 0, readSeq: 0 };
          expect(entry.readSeq).toBe(readSeq[me]);
          const expected = logged.filter((m) => m.seq > entry.readSeq && m.deleted !== true && m.from !== names[me]).length;
          expect({ seed: SEED, count: entry.count }).toEqual({ seed: SEED, count: expected });
        }
        await server.close();
      }),
      runs(8, 0),
    );
  });
});
