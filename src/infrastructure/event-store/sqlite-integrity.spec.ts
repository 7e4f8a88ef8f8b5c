import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from './sqlite-event-store';
import { sent } from './store-fixtures';

const threads = (): number => readdirSync('/proc/self/task').length;

/** A log too large to check before the start is checked while the store serves, on a thread the store has anyway. */
describe('the SQLite event store checking a large log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chat-integrity-'));
  const file = join(dir, 'events.sqlite');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    const store = new SqliteEventStore(file);
    for (let seq = 1; seq <= 50; seq++) await store.append('room-General', [sent(seq)], seq - 1);
    await store.close();
  });

  it('starts no thread of its own for the check, finds the log whole and serves meanwhile', async () => {
    const checkedFirst = new SqliteEventStore(file);
    await checkedFirst.checkIntegrity();
    const withCheckFirst = threads();
    await checkedFirst.close();

    const checkedLater = new SqliteEventStore(file, 0);
    expect(threads()).toBeLessThanOrEqual(withCheckFirst);
    const read = checkedLater.readStream('room-General');
    await expect(checkedLater.checkIntegrity()).resolves.toBeUndefined();
    expect((await read).map((event) => event.version)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    await checkedLater.append('room-General', [sent(51)], 50);
    await checkedLater.close();
  });
});
