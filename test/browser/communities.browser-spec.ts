import type { TestApp } from '../support/test-app';
import {
  activeId,
  focused,
  conversationButton,
  message,
  messageTexts,
  send,
  waitConnected,
  waitCurrent,
  pageSuite,
  type PageGlobals,
} from '../support/browser';
import { createRoomInPage, inView, openRoom, registerInPage } from '../support/community-pages';

jest.setTimeout(60_000);

/** The sidebar's mark of a private room. */
const LOCK = { name: 'Private room' };

describe('the chat page: rooms people create, invites and replies', () => {
  const suite = pageSuite();
  const { open, person } = suite;
  let server: TestApp;

  beforeAll(() => {
    server = suite.server;
  });

  it('lets an account holder create a private room from the page: listed with a lock, its topic in the header; guests get no such control', async () => {
    const [guest, olga] = await Promise.all([open(), open()]);
    expect(await guest.page.getByRole('button', { name: 'New room' }).count()).toBe(0);
    await registerInPage(server, olga, 'olga');
    const { page } = olga;

    await page.getByRole('button', { name: 'New room' }).click();
    const dialog = page.getByRole('dialog', { name: 'New room' });
    await dialog.waitFor();
    expect(await activeId(page)).toBe('new-room-name');
    // The server's refusals show in the dialog, next to what was typed.
    await dialog.getByRole('textbox', { name: 'Name' }).fill('general');
    await dialog.getByRole('radio', { name: /^Private/ }).check();
    await dialog.getByRole('button', { name: 'Create room' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'There is already a room named general' }).waitFor();
    await dialog.getByRole('textbox', { name: 'Name' }).fill('x');
    await dialog.getByRole('button', { name: 'Create room' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'characters' }).waitFor();

    await dialog.getByRole('textbox', { name: 'Name' }).fill('Secret garden');
    await dialog.getByRole('textbox', { name: /^Topic/ }).fill('Roses & <b>thorns</b>');
    await dialog.getByRole('button', { name: 'Create room' }).click();
    await dialog.waitFor({ state: 'hidden' });
    // The new room is open and joined, listed with a lock, its topic (as text) in the header.
    await waitCurrent(page, 'room', 'Secret garden');
    await page.getByRole('button', { name: 'Leave room' }).waitFor();
    const listed = conversationButton(page, 'room', 'Secret garden');
    await listed.getByRole('img', LOCK).waitFor();
    await page.locator('#conv-title').getByRole('img', LOCK).waitFor();
    await page.locator('#conv-topic', { hasText: 'Roses & <b>thorns</b>' }).waitFor();
    expect(await page.locator('#conv-topic b').count()).toBe(0);
    await send(page, 'the first rose');
    await message(page, 'the first rose').waitFor();
    // A public room on the list has no lock.
    expect(await conversationButton(page, 'room', 'General').getByRole('img', LOCK).count()).toBe(0);

    // The list comes from the server after a reload too; the guest never sees the private room.
    await page.reload();
    await waitConnected(page);
    await conversationButton(page, 'room', 'Secret garden').getByRole('img', LOCK).waitFor();
    await createRoomInPage(page, 'Open plan', 'public', 'Everyone welcome');
    await conversationButton(guest.page, 'room', 'Open plan').waitFor();
    expect(await conversationButton(guest.page, 'room', 'Open plan').getByRole('img', LOCK).count()).toBe(0);
    expect(await conversationButton(guest.page, 'room', 'Secret garden').count()).toBe(0);
    await openRoom(guest.page, 'Open plan');
    await guest.page.locator('#conv-topic', { hasText: 'Everyone welcome' }).waitFor();
  });

  it('makes an invite link with a copy button; someone else who opens it lands in the private room, once per single-use link', async () => {
    const olga = await open();
    await registerInPage(server, olga, 'oscar');
    await olga.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const { page } = olga;
    await createRoomInPage(page, 'Hideout', 'private');
    await send(page, 'welcome to the hideout');

    await page.getByRole('button', { name: 'Invite' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite people to Hideout' });
    const linkBox = dialog.getByRole('textbox', { name: 'Invite link' });
    const newLink = (previous: string) =>
      page.waitForFunction((before) => {
        const input = (globalThis as unknown as PageGlobals).document.querySelector('#invite-link') as unknown as { value: string } | null;
        return input !== null && input.value !== before && input.value.includes('invite=');
      }, previous);
    await newLink('');
    const link = await linkBox.inputValue();
    expect(link).toMatch(new RegExp(`^${server.url}/\\?room=Hideout&invite=[0-9a-f]{32}$`));
    await dialog.getByRole('button', { name: 'Copy link' }).click();
    await dialog.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
    expect(
      await page.evaluate(() =>
        (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText(),
      ),
    ).toBe(link);

    // Someone else opens the link: they are in the room, with its history, and the address is clean again.
    const max = await open({ path: link.slice(server.url.length) });
    await waitCurrent(max.page, 'room', 'Hideout');
    await message(max.page, 'welcome to the hideout').waitFor();
    await conversationButton(max.page, 'room', 'Hideout').getByRole('img', LOCK).waitFor();
    await max.page.waitForURL(`${server.url}/`);
    await send(max.page, 'thanks for the invite');
    await message(page, 'thanks for the invite').waitFor();

    // A link for one use: the first visitor gets in, the next is told it is used up.
    await dialog.getByRole('combobox', { name: 'Can be used' }).selectOption({ label: 'Once' });
    await dialog.getByRole('button', { name: 'Create a new link' }).click();
    await newLink(link);
    const once = (await linkBox.inputValue()).slice(server.url.length);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const first = await open({ path: once });
    await message(first.page, 'thanks for the invite').waitFor();
    const second = await open({ path: once });
    await second.page.locator('#composer-error', { hasText: 'That invite to Hideout has expired or been used up' }).waitFor();
    expect(await message(second.page, 'thanks for the invite').count()).toBe(0);
  });

  it('replies to a message: a quote above the composer (cancellable), the quote above the reply, and a click on it jumps to the original', async () => {
    const room = 'Code with Josh';
    const [alice, bob] = await Promise.all([open(), open()]);
    for (const { page } of [alice, bob]) await openRoom(page, room);
    await send(alice.page, 'Lunch at noon?\nMy treat.');
    const chatty = await person(room);
    for (let i = 1; i <= 30; i++) await chatty.ask('message', { room, msg: `filler ${i}` });
    await message(bob.page, 'filler 30').waitFor();

    const original = message(bob.page, 'Lunch at noon?\nMy treat.');
    await original.hover();
    await original.getByRole('button', { name: 'Reply', exact: true }).click();
    const bar = bob.page.locator('#reply-bar');
    await bar.getByText(`Replying to ${alice.username}`).waitFor();
    expect(await bar.locator('.quote-text').textContent()).toBe('Lunch at noon?');
    expect(await activeId(bob.page)).toBe('composer-input');
    await bar.getByRole('button', { name: 'Cancel reply' }).click();
    await bar.waitFor({ state: 'hidden' });
    await original.hover();
    await original.getByRole('button', { name: 'Reply', exact: true }).click();
    // Escape in the message box cancels too; a third time from the keyboard (← from "Add reaction"), then sent.
    await bob.page.locator('#composer-input').press('Escape');
    await bar.waitFor({ state: 'hidden' });
    await original.getByRole('button', { name: 'Add reaction' }).focus();
    await bob.page.keyboard.press('ArrowLeft');
    expect(await focused(bob.page)).toBe('Reply');
    await bob.page.keyboard.press('Enter');
    await bar.getByText(`Replying to ${alice.username}`).waitFor();
    await send(bob.page, 'Yes!');
    await bar.waitFor({ state: 'hidden' });

    for (const { page } of [alice, bob]) {
      const quote = message(page, 'Yes!').getByRole('button', { name: /^Reply to/ });
      expect(await quote.locator('.quote-author').textContent()).toBe(alice.username);
      expect(await quote.locator('.quote-text').textContent()).toBe('Lunch at noon?');
    }
    // Alice is at the bottom; the original is thirty messages up. The quote takes her there.
    const mine = message(alice.page, 'Lunch at noon?\nMy treat.');
    expect(await inView(alice.page, mine)).toBe(false);
    await message(alice.page, 'Yes!')
      .getByRole('button', { name: /^Reply to/ })
      .click();
    await mine.and(alice.page.locator('.highlight')).waitFor();
    expect(await inView(alice.page, mine)).toBe(true);

    // Deleting the original turns the quote into "deleted" for both.
    await mine.hover();
    await mine.getByRole('button', { name: 'Delete message' }).click();
    await alice.page.getByRole('group', { name: 'Delete this message for everyone?' }).getByRole('button', { name: 'Delete' }).click();
    for (const { page } of [alice, bob]) {
      await message(page, 'Yes!').locator('.quote-text', { hasText: 'Original message deleted' }).waitFor();
    }
  });

  it('jumps to an original older than what was loaded, loading earlier pages until it is on screen', async () => {
    const room = 'The Nerd Nook';
    const eve = await person(room);
    const old = await eve.ask<{ message: { id: string } }>('message', { room, msg: 'an old question' });
    const fillers = Array.from({ length: 120 }, (_, i) => `later message ${i + 1}`);
    for (const msg of fillers) await eve.ask('message', { room, msg });
    await eve.ask('message', { room, msg: 'the answer', replyTo: old.message.id });

    const alice = await open();
    await openRoom(alice.page, room);
    const answer = message(alice.page, 'the answer');
    await answer.waitFor();
    expect(await message(alice.page, 'an old question').count()).toBe(0);
    await answer.getByRole('button', { name: /^Reply to/ }).click();
    const original = message(alice.page, 'an old question');
    await original.and(alice.page.locator('.highlight')).waitFor();
    expect(await inView(alice.page, original)).toBe(true);
    // Every page in between came in, in order, once each.
    expect(await messageTexts(alice.page)).toEqual(['an old question', ...fillers, 'the answer']);
  });
});
