import { SocketIoNotifier } from '../../src/interface/ws/socket-io.notifier';
import type { TestApp } from '../support/test-app';
import {
  chip,
  expectTexts,
  message,
  messageTexts,
  messageWith,
  send,
  waitConnected,
  type PageGlobals,
  pageSuite,
} from '../support/browser';

jest.setTimeout(30_000);

/**
 * The server closes every connection of `username`, as it does to a flooding client
 * (`socket.disconnect(true)`): the page is told "io server disconnect", which Socket.IO does not retry
 * by itself. The Socket.IO server is the one the Notifier adapter emits through.
 */
const disconnectOnServer = async (server: TestApp, username: string): Promise<number> => {
  const io = server.app.get(SocketIoNotifier).io;
  if (io === undefined) throw new Error('The Socket.IO server is not up');
  const sockets = (await io.fetchSockets()).filter(
    (socket) => (socket.data as { identity?: { actor?: { username?: string } } }).identity?.actor?.username === username,
  );
  for (const socket of sockets) socket.disconnect(true);
  return sockets.length;
};

describe('the chat page: reconnects, rejected sends, history and the new-messages marker', () => {
  const suite = pageSuite();
  const { open, person } = suite;
  let server: TestApp;

  beforeAll(() => {
    server = suite.server;
  });

  it('shows "Reconnecting…" while the socket is down, then fills the gap exactly once, in order', async () => {
    const [alice, bob] = await Promise.all([open(), open()]);
    await send(bob.page, 'before the drop');
    await message(alice.page, 'before the drop').waitFor();

    // The network goes away and the connection drops: nothing can come back until it is online again.
    await alice.context.setOffline(true);
    await alice.page.evaluate(() => (globalThis as unknown as PageGlobals).__chat?.socket.io.engine.close());
    await alice.page.locator('#conn[data-state="reconnecting"]', { hasText: 'Reconnecting…' }).waitFor();
    await alice.page.locator('#conn-banner').waitFor();

    // Bob goes on talking, and so does someone else, more than one page of history (50) in all.
    // Alice types one herself, which waits for the connection.
    for (const text of ['missed one', 'missed two', 'missed three']) await send(bob.page, text);
    const chatty = await person('General');
    const bulk = Array.from({ length: 55 }, (_, i) => `missed bulk ${i + 1}`);
    for (const msg of bulk) await chatty.ask('message', { room: 'General', msg });
    await alice.page.locator('#composer-input').fill('typed while offline');
    await alice.page.locator('#composer-input').press('Enter');
    await alice.page.locator('#composer-note', { hasText: 'Waiting for the connection' }).waitFor();
    expect(await alice.page.locator('#composer-input').inputValue()).toBe('typed while offline');
    expect(await message(alice.page, 'missed one').count()).toBe(0);
    expect(await alice.page.evaluate(() => (globalThis as unknown as PageGlobals).__chat?.socket.connected)).toBe(false);

    await alice.context.setOffline(false);
    await waitConnected(alice.page);
    await alice.page.locator('#conn-banner').waitFor({ state: 'hidden' });
    const expected = ['before the drop', 'missed one', 'missed two', 'missed three', ...bulk, 'typed while offline'];
    await expectTexts(alice.page, '#messages .msg .text', expected);
    await expectTexts(bob.page, '#messages .msg .text', expected);
    expect(await alice.page.locator('#composer-input').inputValue()).toBe('');

    // Every message element is a distinct server message.
    const ids = await alice.page
      .locator('#messages .msg')
      .evaluateAll((nodes) => nodes.map((node) => (node as unknown as { dataset: { id: string } }).dataset.id));
    expect(new Set(ids).size).toBe(ids.length);

    // Live delivery still works after the catch-up, still without duplicates.
    await send(bob.page, 'after the return');
    await expectTexts(alice.page, '#messages .msg .text', [...expected, 'after the return']);
  });

  it('after a reconnect, shows the edits, deletions and reactions made meanwhile to messages it already had', async () => {
    const alice = await open();
    const chatty = await person('General');
    const sent: { id: string }[] = [];
    for (const msg of ['to be edited', 'to be deleted', 'to be liked']) {
      sent.push((await chatty.ask<{ message: { id: string } }>('message', { room: 'General', msg })).message);
    }
    await messageWith(alice.page, 'to be liked').waitFor();

    await alice.context.setOffline(true);
    await alice.page.evaluate(() => (globalThis as unknown as PageGlobals).__chat?.socket.io.engine.close());
    await alice.page.locator('#conn[data-state="reconnecting"]').waitFor();
    const [edited, deleted, liked] = sent.map((m) => m.id);
    await chatty.ask('edit_message', { room: 'General', messageId: edited, msg: 'edited while she was away' });
    await chatty.ask('delete_message', { room: 'General', messageId: deleted });
    await chatty.ask('react', { room: 'General', messageId: liked, emoji: '🎉' });
    await chatty.ask('message', { room: 'General', msg: 'new while she was away' });

    await alice.context.setOffline(false);
    await waitConnected(alice.page);
    await messageWith(alice.page, 'edited while she was away').locator('.edited', { hasText: '(edited)' }).waitFor();
    await alice.page.locator(`li.msg.deleted[data-id="${deleted}"]`, { hasText: 'This message was deleted' }).waitFor();
    await chip(alice.page, 'to be liked', '🎉').locator('.reaction-count', { hasText: '1' }).waitFor();
    await message(alice.page, 'new while she was away').waitFor();
    expect(await messageWith(alice.page, 'to be edited').count()).toBe(0);
    const texts = await messageTexts(alice.page);
    expect(texts.filter((text) => text === 'new while she was away')).toHaveLength(1);
  });

  it('reconnects by itself when the server hangs up on it, and catches up', async () => {
    const [alice, bob] = await Promise.all([open(), open()]);
    await send(bob.page, 'before the hang-up');
    await message(alice.page, 'before the hang-up').waitFor();

    // The server drops her socket; the page says so, and her network goes away before the page
    // tries again (it waits a second or two after a hang-up), so she misses what Bob says next.
    expect(await disconnectOnServer(server, alice.username)).toBe(1);
    await alice.page.locator('#conn[data-state="reconnecting"]').waitFor();
    await alice.context.setOffline(true);
    await send(bob.page, 'said while she was gone');
    expect(await alice.page.evaluate(() => (globalThis as unknown as PageGlobals).__chat?.socket.connected)).toBe(false);

    await alice.context.setOffline(false);
    await waitConnected(alice.page);
    await message(alice.page, 'said while she was gone').waitFor();
    const texts = await messageTexts(alice.page);
    expect(texts.filter((text) => text === 'before the hang-up')).toHaveLength(1);
    expect(texts.filter((text) => text === 'said while she was gone')).toHaveLength(1);
    expect(texts.indexOf('before the hang-up')).toBeLessThan(texts.indexOf('said while she was gone'));
  });

  it('a rejected send shows the server’s reason next to the input and keeps the text', async () => {
    const alice = await open();
    const input = alice.page.locator('#composer-input');

    const tooLong = 'x'.repeat(2001);
    await input.fill(tooLong);
    await input.press('Enter');
    const error = alice.page.locator('#composer-error');
    await error.getByText('Message is longer than 2000 characters').waitFor();
    expect(await input.inputValue()).toBe(tooLong);
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    expect(await messageTexts(alice.page)).not.toContain(tooLong);

    // Fixing the text clears the error; a private message to nobody is refused with the server's words.
    await input.fill('@NobodyHere are you there?');
    expect(await error.textContent()).toBe('');
    await input.press('Enter');
    await error.getByText('No user named NobodyHere').waitFor();
    expect(await input.inputValue()).toBe('@NobodyHere are you there?');
  });

  it('loads older messages from the REST history when scrolled to the top, without gaps or duplicates', async () => {
    const room = 'The Nerd Nook';
    const eve = await person(room);
    const all = Array.from({ length: 130 }, (_, i) => `history message ${i + 1}`);
    for (const msg of all) await eve.ask('message', { room, msg });

    const alice = await open();
    await alice.page.locator('#room-list button', { hasText: room }).click();
    await expectTexts(alice.page, '#messages .msg .text', all.slice(-50));
    await alice.page.locator('#load-older').waitFor();

    const scrollToTop = () =>
      alice.page.evaluate(() => (globalThis as unknown as PageGlobals).document.querySelector('#scroller')?.scrollTo(0, 0));
    await scrollToTop();
    await expectTexts(alice.page, '#messages .msg .text', all.slice(-100));
    // The view stays on what was being read: the reader is not thrown to the top of the new page.
    const top = await alice.page.evaluate(() => (globalThis as unknown as PageGlobals).document.querySelector('#scroller')?.scrollTop ?? 0);
    expect(top).toBeGreaterThan(200);

    await scrollToTop();
    await expectTexts(alice.page, '#messages .msg .text', all);
    await alice.page.locator('#history-start', { hasText: `This is the beginning of ${room}.` }).waitFor();
    await alice.page.locator('#load-older').waitFor({ state: 'hidden' });
  });

  it('shows a "new messages" marker instead of scrolling away from what is being read', async () => {
    const room = 'Zero to Knowing';
    const frank = await person(room);
    for (let i = 1; i <= 40; i++) await frank.ask('message', { room, msg: `filler ${i}` });
    const alice = await open();
    await alice.page.locator('#room-list button', { hasText: room }).click();
    await message(alice.page, 'filler 40').waitFor();

    await alice.page.evaluate(() => (globalThis as unknown as PageGlobals).document.querySelector('#scroller')?.scrollTo(0, 300));
    const before = await alice.page.evaluate(() => (globalThis as unknown as PageGlobals).document.querySelector('#scroller')?.scrollTop);
    await frank.ask('message', { room, msg: 'arrived while reading' });
    await message(alice.page, 'arrived while reading').waitFor({ state: 'attached' });
    const marker = alice.page.locator('#new-marker');
    await marker.getByText('1 new message').waitFor();
    expect(await alice.page.evaluate(() => (globalThis as unknown as PageGlobals).document.querySelector('#scroller')?.scrollTop)).toBe(
      before,
    );

    await marker.click();
    await marker.waitFor({ state: 'hidden' });
    await alice.page.waitForFunction(() => {
      const scroller = (globalThis as unknown as PageGlobals).document.querySelector('#scroller');
      return scroller !== null && scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 2;
    });

    // At the bottom, new messages simply appear and the marker stays away.
    await frank.ask('message', { room, msg: 'seen straight away' });
    await message(alice.page, 'seen straight away').waitFor();
    expect(await marker.isHidden()).toBe(true);
  });
});
