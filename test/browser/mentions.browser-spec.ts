import { messageWith, pageSuite, waitConnected, type PageGlobals } from '../support/browser';

jest.setTimeout(30_000);

type Counted = PageGlobals & { __permissionAsked?: number };

describe('the chat page: mentions', () => {
  const suite = pageSuite();
  const { open, person } = suite;

  it('highlights messages that mention the reader, and the mention in them; asks to notify only after a click', async () => {
    const alice = await open();
    // Count permission requests from the very start of the page.
    await alice.context.addInitScript(() => {
      const page = globalThis as unknown as Counted & { Notification?: { requestPermission: () => Promise<string> } };
      page.__permissionAsked = 0;
      if (page.Notification !== undefined) {
        page.Notification.requestPermission = () => {
          page.__permissionAsked = (page.__permissionAsked ?? 0) + 1;
          return Promise.resolve('denied');
        };
      }
    });
    await alice.page.reload();
    await waitConnected(alice.page);

    const bob = await person('General');
    await bob.ask('message', { room: 'General', msg: `hey @${alice.username.toLowerCase()}, look at this` });
    await bob.ask('message', { room: 'General', msg: `write to ${alice.username}@example.com` });
    await bob.ask('message', { room: 'General', msg: 'nothing for you' });

    const named = messageWith(alice.page, 'look at this');
    await named.and(alice.page.locator('.mentions-me')).waitFor();
    expect(await named.locator('mark.mention').textContent()).toBe(`@${alice.username.toLowerCase()}`);
    await messageWith(alice.page, 'nothing for you').waitFor();
    for (const text of ['example.com', 'nothing for you']) {
      expect(await messageWith(alice.page, text).locator('mark.mention').count()).toBe(0);
      expect(await messageWith(alice.page, text).and(alice.page.locator('.mentions-me')).count()).toBe(0);
    }

    expect(await alice.page.evaluate(() => (globalThis as unknown as Counted).__permissionAsked)).toBe(0);
    await alice.page.locator('#messages').click();
    await alice.page.waitForFunction(() => (globalThis as unknown as Counted).__permissionAsked === 1);
  });
});
