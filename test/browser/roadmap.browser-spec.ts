import type { Browser, Page } from 'playwright-core';
import { deflateSync } from 'node:zlib';
import type { TestApp } from '../support/test-app';
import {
  contrastFailures,
  conversationButton,
  openChat,
  PHONE,
  send,
  waitConnected,
  waitCurrent,
  type PageElement,
  type PageGlobals,
  pageSuite,
} from '../support/browser';

jest.setTimeout(30_000);

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (bytes: Buffer): number => {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type: string, data: Buffer): Buffer => {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};

/** A real PNG, `width`×`height`, RGB, coloured by `colour(x, y)`. */
const png = (width: number, height: number, colour: (x: number, y: number) => [number, number, number]): Buffer => {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows: number[] = [];
  for (let y = 0; y < height; y++) {
    rows.push(0);
    for (let x = 0; x < width; x++) rows.push(...colour(x, y));
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
};

const PNG = png(12, 8, (x, y) => [x * 20, y * 30, 200]);

/** A message in the open conversation, by (part of) its text. */
const messageWith = (page: Page, text: string) => page.locator('#messages li.msg').filter({ hasText: text });

/** The reaction chip of `emoji` under the message containing `text`. */
const chip = (page: Page, text: string, emoji: string) => messageWith(page, text).locator(`.reaction[data-emoji="${emoji}"]`);

const userList = (page: Page): Promise<string[]> => page.locator('#user-list .user-name').allTextContents();

const activeId = (page: Page): Promise<string | null | undefined> =>
  page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.getAttribute('id'));

const scrollWidth = (page: Page): Promise<number> =>
  page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.scrollWidth);

/** The accessible label (or id) of what has focus. */
const focused = (page: Page): Promise<string | null | undefined> =>
  page.evaluate(() => {
    const active = (globalThis as unknown as PageGlobals).document.activeElement;
    return active?.getAttribute('aria-label') ?? active?.getAttribute('id') ?? active?.textContent;
  });

describe('the chat page: accounts, typing, emoji, reactions, edits and files', () => {
  const suite = pageSuite();
  const { open, person } = suite;
  let server: TestApp;
  let browser: Browser;

  beforeAll(() => {
    server = suite.server;
    browser = suite.browser;
  });

  it('creates an account from the page (the name changes everywhere), signs out and signs in again', async () => {
    // Someone already owns "Taken_Name"; registered names are reserved case-insensitively.
    await server.http().post('/api/auth/register').send({ username: 'Taken_Name', password: 'long enough 1' }).expect(201);
    const [alice, bob] = await Promise.all([open(), open()]);
    const guest = alice.username;
    await send(alice.page, 'written while still a guest');
    const { page } = alice;

    await page.getByRole('banner').getByRole('button', { name: 'Create account' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create account' });
    await dialog.waitFor();
    expect(await activeId(page)).toBe('account-username');
    const username = dialog.getByRole('textbox', { name: 'Username' });
    const password = dialog.getByLabel('Password');

    // Checked in the page first, then by the server: each answer next to its field.
    await username.fill('ada');
    await password.fill('short');
    await dialog.getByRole('button', { name: 'Create account' }).click();
    await dialog.locator('#account-password-error', { hasText: 'at least 8 characters' }).waitFor();
    expect(await password.getAttribute('aria-invalid')).toBe('true');
    await username.fill('taken_name');
    await password.fill('correct horse battery');
    await dialog.getByRole('button', { name: 'Create account' }).click();
    await dialog.locator('#account-username-error', { hasText: 'taken_name is taken' }).waitFor();

    await username.fill('ada');
    await dialog.getByRole('button', { name: 'Create account' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.locator('#welcome', { hasText: 'Signed in as ada' }).waitFor();
    await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await page.getByRole('banner').getByRole('button', { name: 'Sign in' }).isVisible()).toBe(false);
    // The same session: what the guest wrote is still theirs, and the other person's list follows.
    expect(await messageWith(page, 'written while still a guest').getAttribute('class')).toContain('own');
    await page.locator('#user-list li.me .user-name', { hasText: 'ada' }).waitFor();
    await bob.page.waitForFunction((old) => {
      const list = (globalThis as unknown as PageGlobals).document.querySelectorAll('#user-list .user-name');
      const names = Array.from(list, (node) => node.textContent);
      return names.includes('ada') && !names.includes(old);
    }, guest);
    await send(page, 'hello as ada');
    expect(await messageWith(bob.page, 'hello as ada').locator('.author').textContent()).toBe('ada');

    // Signing out: a fresh guest, connected again, and gone from the other list as "ada".
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('#welcome', { hasText: /^Welcome, Guest\d+$/ }).waitFor();
    await waitConnected(page);
    const newGuest = (await page.locator('#welcome strong').textContent()) ?? '';
    expect(newGuest).not.toBe(guest);
    await bob.page.waitForFunction((name) => {
      const list = (globalThis as unknown as PageGlobals).document.querySelectorAll('#user-list .user-name');
      const names = Array.from(list, (node) => node.textContent);
      return names.includes(name) && !names.includes('ada');
    }, newGuest);
    expect(await messageWith(page, 'hello as ada').getAttribute('class')).not.toContain('own');

    // Signing in: a wrong password is refused in the dialog, the right one brings "ada" back.
    await page.getByRole('banner').getByRole('button', { name: 'Sign in' }).click();
    const signIn = page.getByRole('dialog', { name: 'Sign in' });
    await signIn.waitFor();
    await signIn.getByRole('textbox', { name: 'Username' }).fill('ada');
    await signIn.getByLabel('Password').fill('wrong password');
    await signIn.getByRole('button', { name: 'Sign in' }).click();
    await signIn.getByRole('alert').filter({ hasText: 'Wrong username or password.' }).waitFor();
    await signIn.getByLabel('Password').fill('correct horse battery');
    await signIn.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#welcome', { hasText: 'Signed in as ada' }).waitFor();
    await waitConnected(page);
    await bob.page.locator('#user-list .user-name', { hasText: 'ada' }).waitFor();
    expect(await messageWith(page, 'hello as ada').getAttribute('class')).toContain('own');
    await send(page, 'back again');
    expect(await messageWith(bob.page, 'back again').locator('.author').textContent()).toBe('ada');
    expect(await userList(page)).toContain('ada');
  });

  it('shows who is typing to the others, in a room and privately, and not after they send or clear the box', async () => {
    const [alice, bob] = await Promise.all([open(), open()]);
    const indicator = alice.page.locator('#typing');
    expect(await indicator.getAttribute('aria-live')).toBe('polite');

    await bob.page.locator('#composer-input').pressSequentially('Hel');
    await indicator.getByText(`${bob.username} is typing…`).waitFor();
    // The typer does not see themselves.
    expect(await bob.page.locator('#typing').textContent()).toBe('');
    await bob.page.locator('#composer-input').pressSequentially('lo!');
    await bob.page.locator('#composer-input').press('Enter');
    await messageWith(alice.page, 'Hello!').waitFor();
    await indicator.getByText('is typing').waitFor({ state: 'detached' });

    // Privately: only the other side of the conversation sees it.
    await alice.page.locator('#user-list button', { hasText: bob.username }).click();
    await bob.page.locator('#user-list button', { hasText: alice.username }).click();
    await waitCurrent(bob.page, 'dm', alice.username);
    await bob.page.locator('#composer-input').fill('are you there?');
    await indicator.getByText(`${bob.username} is typing…`).waitFor();
    await bob.page.locator('#composer-input').fill('');
    await indicator.getByText('is typing').waitFor({ state: 'detached' });
  });

  it('inserts an emoji from the picker (search, keyboard, Escape) and renders :tada: as 🎉', async () => {
    const [alice, bob] = await Promise.all([open(), open()]);
    const { page } = alice;
    const input = page.locator('#composer-input');
    const button = page.getByRole('button', { name: 'Insert emoji' });

    await input.fill('Party  time');
    await input.evaluate((node) => (node as unknown as { setSelectionRange(a: number, b: number): void }).setSelectionRange(6, 6));
    await button.click();
    const picker = page.getByRole('dialog', { name: 'Insert an emoji' });
    await picker.waitFor();
    expect(await button.getAttribute('aria-expanded')).toBe('true');
    expect(await activeId(page)).toBe('picker-search');
    await page.keyboard.type('tada');
    await picker.getByRole('button', { name: 'party popper' }).waitFor();
    // ↓ enters the grid on the best match; Enter picks.
    await page.keyboard.press('ArrowDown');
    expect(await focused(page)).toBe('party popper');
    await page.keyboard.press('Enter');
    await picker.waitFor({ state: 'hidden' });
    expect(await input.inputValue()).toBe('Party 🎉 time');
    expect(await activeId(page)).toBe('composer-input');

    // Escape closes without picking and gives focus back to the button.
    await button.click();
    await picker.waitFor();
    await page.keyboard.press('Escape');
    await picker.waitFor({ state: 'hidden' });
    expect(await activeId(page)).toBe('emoji-button');
    expect(await button.getAttribute('aria-expanded')).toBe('false');

    // A group's tab jumps to it; arrow keys move through the grid.
    await button.click();
    await picker.getByRole('button', { name: 'Smileys & emotion' }).click();
    expect(await focused(page)).toBe('grinning face');
    await page.keyboard.press('ArrowRight');
    expect(await focused(page)).toBe('grinning face with big eyes');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    expect(await focused(page)).toBe('grinning face with big eyes');
    await page.keyboard.press('Enter');
    await picker.waitFor({ state: 'hidden' });
    expect(await input.inputValue()).toBe('Party 🎉😃 time');

    await input.press('Enter');
    await messageWith(bob.page, 'Party 🎉😃 time').waitFor();
    await send(page, 'We shipped it :tada: :rocket: :not_an_emoji:');
    for (const viewer of [alice.page, bob.page]) {
      const text = messageWith(viewer, 'We shipped it').locator('.text');
      await text.getByText('We shipped it 🎉 🚀 :not_an_emoji:', { exact: true }).waitFor();
      // The emoji are text (no images, no markup from the message).
      expect(await text.locator('.emoji').allTextContents()).toEqual(['🎉', '🚀']);
      expect(await text.locator('img, svg, a').count()).toBe(0);
    }
  });

  it('reacts to a message: the other person sees the count and who, and a second click takes it back', async () => {
    const [alice, bob] = await Promise.all([open(), open()]);
    await send(bob.page, 'Ship it?');
    await messageWith(alice.page, 'Ship it?').waitFor();
    const target = messageWith(alice.page, 'Ship it?');
    await target.hover();
    await target.getByRole('button', { name: 'Add reaction' }).click();
    const picker = alice.page.getByRole('dialog', { name: 'Choose a reaction' });
    await picker.waitFor();
    await alice.page.keyboard.type('thumbs up');
    await picker.getByRole('button', { name: 'thumbs up', exact: true }).click();
    await picker.waitFor({ state: 'hidden' });

    const mine = chip(alice.page, 'Ship it?', '👍');
    await mine.locator('.reaction-count', { hasText: '1' }).waitFor();
    expect(await mine.getAttribute('aria-pressed')).toBe('true');
    const theirs = chip(bob.page, 'Ship it?', '👍');
    await theirs.locator('.reaction-count', { hasText: '1' }).waitFor();
    expect(await theirs.getAttribute('aria-pressed')).toBe('false');
    expect(await theirs.getAttribute('title')).toBe(`${alice.username} reacted with 👍`);

    // Bob adds his to the same emoji; then Alice takes hers back.
    await theirs.click();
    await mine.locator('.reaction-count', { hasText: '2' }).waitFor();
    await theirs.and(bob.page.locator('[aria-pressed="true"]')).waitFor();
    expect(await mine.getAttribute('title')).toBe(`You and ${bob.username} reacted with 👍`);
    await mine.click();
    await theirs.locator('.reaction-count', { hasText: '1' }).waitFor();
    await mine.and(alice.page.locator('[aria-pressed="false"]')).waitFor();
    await theirs.click();
    await mine.waitFor({ state: 'detached' });
    await theirs.waitFor({ state: 'detached' });
  });

  it('edits and deletes one’s own messages, seen live and in history; nobody else gets those controls', async () => {
    const [alice, bob] = await Promise.all([open(), open()]);
    await send(alice.page, 'Meet at 10');
    await send(alice.page, 'Bring snacks');
    await send(bob.page, 'Sounds good');
    await messageWith(alice.page, 'Sounds good').waitFor();

    // No edit or delete on someone else's message (only a reaction).
    const others = messageWith(alice.page, 'Sounds good');
    await others.hover();
    await others.getByRole('button', { name: 'Add reaction' }).waitFor();
    expect(await others.getByRole('button', { name: /Edit|Delete/ }).count()).toBe(0);
    expect(
      await messageWith(bob.page, 'Meet at 10')
        .getByRole('button', { name: /Edit|Delete/ })
        .count(),
    ).toBe(0);

    // Edit inline: Escape cancels, Enter saves.
    const meet = messageWith(alice.page, 'Meet at 10');
    await meet.hover();
    await meet.getByRole('button', { name: 'Edit message' }).click();
    const editor = alice.page.getByRole('textbox', { name: 'Edit message' });
    expect(await editor.inputValue()).toBe('Meet at 10');
    expect(await alice.page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.tagName)).toBe('TEXTAREA');
    await editor.fill('never mind');
    await editor.press('Escape');
    await editor.waitFor({ state: 'detached' });
    expect(await messageWith(alice.page, 'Meet at 10').count()).toBe(1);
    await meet.hover();
    await meet.getByRole('button', { name: 'Edit message' }).click();
    await editor.fill('Meet at 11');
    await editor.press('Enter');
    await editor.waitFor({ state: 'detached' });
    for (const { page } of [alice, bob]) {
      const edited = messageWith(page, 'Meet at 11');
      await edited.locator('.edited', { hasText: '(edited)' }).waitFor();
      expect(await messageWith(page, 'Meet at 10').count()).toBe(0);
    }

    // Delete asks first, in the page (no browser dialog); Cancel keeps it.
    const snacks = messageWith(alice.page, 'Bring snacks');
    const id = (await snacks.getAttribute('data-id')) ?? '';
    await snacks.hover();
    await snacks.getByRole('button', { name: 'Delete message' }).click();
    const confirm = alice.page.getByRole('group', { name: 'Delete this message for everyone?' });
    await confirm.waitFor();
    expect(await focused(alice.page)).toBe('Cancel');
    await alice.page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    await snacks.hover();
    await snacks.getByRole('button', { name: 'Delete message' }).click();
    await confirm.getByRole('button', { name: 'Delete' }).click();
    for (const { page } of [alice, bob]) {
      await page.locator(`li.msg.deleted[data-id="${id}"]`, { hasText: 'This message was deleted' }).waitFor();
      expect(await messageWith(page, 'Bring snacks').count()).toBe(0);
    }
    // The tombstone keeps its place between the other messages, with no actions.
    expect((await bob.page.locator('#messages li.msg .text').allTextContents()).slice(-3)).toEqual([
      'Meet at 11 (edited)',
      'This message was deleted',
      'Sounds good',
    ]);
    expect(await alice.page.locator(`li.msg[data-id="${id}"] .actions`).count()).toBe(0);

    // ↑ in the empty message box edits one's last message.
    await alice.page.locator('#composer-input').focus();
    await alice.page.keyboard.press('ArrowUp');
    expect(await editor.inputValue()).toBe('Meet at 11');
    await alice.page.keyboard.press('Escape');
    expect(await activeId(alice.page)).toBe('composer-input');

    // The controls of all messages are one Tab stop (the newest message's); ↑/↓ move between messages.
    const focusedMessage = (): Promise<string | null | undefined> =>
      alice.page.evaluate(() => {
        const active = (globalThis as unknown as PageGlobals).document.activeElement as unknown as {
          closest(selector: string): PageElement | null;
        } | null;
        return active?.closest('li.msg')?.querySelector('.text')?.textContent;
      });
    await alice.page.locator('#attach-button').focus();
    await alice.page.keyboard.press('Shift+Tab');
    expect(await focused(alice.page)).toBe('Add reaction');
    expect(await focusedMessage()).toBe('Sounds good');
    await alice.page.keyboard.press('Shift+Tab');
    expect(await activeId(alice.page)).toBe('scroller');
    await alice.page.keyboard.press('Tab');
    await alice.page.keyboard.press('ArrowUp');
    expect(await focusedMessage()).toBe('Meet at 11 (edited)');
    await alice.page.keyboard.press('ArrowRight');
    expect(await focused(alice.page)).toBe('Edit message');
    await alice.page.keyboard.press('Enter');
    await editor.waitFor();
    await editor.press('Escape');
    expect(await focused(alice.page)).toBe('Edit message');

    // History after a reload tells the same.
    await bob.page.reload();
    await waitConnected(bob.page);
    await bob.page.locator(`li.msg.deleted[data-id="${id}"]`, { hasText: 'This message was deleted' }).waitFor();
    await messageWith(bob.page, 'Meet at 11').locator('.edited').waitFor();
  });

  it('shares an image between two people: the other sees the preview and it loads; refused files say why', async () => {
    const [alice, bob] = await Promise.all([open(), open()]);
    const { page } = alice;

    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Attach a file' }).click()]);
    await chooser.setFiles({ name: 'dots.png', mimeType: 'image/png', buffer: PNG });
    await page
      .locator('#attachment-tray', { hasText: 'dots.png' })
      .getByText(/Ready to send/)
      .waitFor();
    await send(page, 'the new logo');
    await page.locator('#attachment-tray').waitFor({ state: 'hidden' });

    const shared = messageWith(bob.page, 'the new logo');
    const image = shared.getByRole('img', { name: 'dots.png' });
    await image.waitFor();
    const src = (await image.getAttribute('src')) ?? '';
    expect(src).toMatch(/^\/api\/files\/[^/]+$/);
    expect(await shared.locator('a.attachment').getAttribute('href')).toBe(src);
    await bob.page.waitForFunction((selector) => {
      const node = (globalThis as unknown as PageGlobals).document.querySelector(selector);
      const img = node as unknown as { complete: boolean; naturalWidth: number } | null;
      return img !== null && img.complete && img.naturalWidth === 12;
    }, `#messages li.msg[data-id] img[src="${src}"]`);
    await messageWith(page, 'the new logo').getByRole('img', { name: 'dots.png' }).waitFor();

    // A plain text file is a download link with its name and size; no text needed with a file.
    await page
      .locator('#file-input')
      .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('remember the milk\n') });
    await page
      .locator('#attachment-tray')
      .getByText(/Ready to send/)
      .waitFor();
    await page.getByRole('button', { name: 'Send message' }).click();
    const download = bob.page.locator('#messages a.attachment.file', { hasText: 'notes.txt' });
    await download.waitFor();
    expect(await download.getAttribute('download')).toBe('notes.txt');
    expect(await download.textContent()).toContain('Text · 18 bytes');

    // An HTML page dressed up as a picture is refused, and the page says so next to the box.
    await page
      .locator('#file-input')
      .setInputFiles({ name: 'cat.png', mimeType: 'image/png', buffer: Buffer.from('<html><script>alert(1)</script>') });
    await page.locator('#composer-error', { hasText: 'cat.png cannot be shared' }).waitFor();
    await page.locator('#attachment-tray').waitFor({ state: 'hidden' });
  });

  it.each(['light', 'dark'] as const)('keeps the new parts readable (WCAG AA) in the %s colour scheme', async (colorScheme) => {
    const alice = await open({ colorScheme });
    const { page } = alice;
    const bob = await person();
    await send(page, `my message, soon edited (${colorScheme})`);
    await send(page, `my message, soon deleted (${colorScheme})`);
    await page.locator('#file-input').setInputFiles({ name: 'plan.txt', mimeType: 'text/plain', buffer: Buffer.from('step one\n') });
    await page
      .locator('#attachment-tray')
      .getByText(/Ready to send/)
      .waitFor();
    await send(page, 'the plan');
    await bob.ask('message', { room: 'General', msg: `someone else (${colorScheme}) :wave:` });
    const mine = await bob.next<{ id: string; msg: string }>('message', (m) => m.msg === `my message, soon edited (${colorScheme})`);
    const theirs = await bob.next<{ id: string; msg: string }>('message', (m) => m.msg === `someone else (${colorScheme}) :wave:`);
    await bob.ask('react', { room: 'General', messageId: mine.id, emoji: '🎉' });
    await bob.ask('react', { room: 'General', messageId: theirs.id, emoji: '👀' });
    await page.locator('#composer-input').fill('');
    await messageWith(page, `soon edited (${colorScheme})`).hover();
    await messageWith(page, `soon edited (${colorScheme})`).getByRole('button', { name: 'Edit message' }).click();
    await page.getByRole('textbox', { name: 'Edit message' }).fill(`my message, edited (${colorScheme})`);
    await page.getByRole('textbox', { name: 'Edit message' }).press('Enter');
    await messageWith(page, `my message, edited (${colorScheme})`).locator('.edited').waitFor();
    await page.getByRole('textbox', { name: 'Edit message' }).waitFor({ state: 'detached' });
    await chip(page, `someone else (${colorScheme})`, '👀').click();
    await chip(page, `someone else (${colorScheme})`, '👀').and(page.locator('[aria-pressed="true"]')).waitFor();
    await bob.ask('typing', { room: 'General', typing: true });
    await page.locator('#typing', { hasText: `${bob.username} is typing…` }).waitFor();
    const doomed = messageWith(page, `soon deleted (${colorScheme})`);
    const doomedId = (await doomed.getAttribute('data-id')) ?? '';
    await doomed.hover();
    await doomed.getByRole('button', { name: 'Delete message' }).click();
    await page.getByRole('group', { name: 'Delete this message for everyone?' }).getByRole('button', { name: 'Delete' }).click();
    await page.locator(`li.msg.deleted[data-id="${doomedId}"]`).waitFor();
    // A refused upload and a file waiting to be sent.
    await page.locator('#file-input').setInputFiles({ name: 'fake.pdf', mimeType: 'application/pdf', buffer: Buffer.from('not a pdf') });
    await page.locator('#composer-error').getByText('cannot be shared').waitFor();
    await page.locator('#file-input').setInputFiles({ name: 'dots.png', mimeType: 'image/png', buffer: PNG });
    await page
      .locator('#attachment-tray')
      .getByText(/Ready to send/)
      .waitFor();
    // The actions of a message, and a deletion waiting for confirmation.
    await messageWith(page, `someone else (${colorScheme})`).hover();
    expect(await contrastFailures(page)).toEqual([]);
    const edited = messageWith(page, `my message, edited (${colorScheme})`);
    await edited.hover();
    await edited.getByRole('button', { name: 'Delete message' }).click();
    await page.getByRole('group', { name: 'Delete this message for everyone?' }).waitFor();
    expect(await contrastFailures(page, '#messages')).toEqual([]);
    await page.keyboard.press('Escape');

    // The emoji picker and the account dialog.
    await page.getByRole('button', { name: 'Insert emoji' }).click();
    await page.getByRole('dialog', { name: 'Insert an emoji' }).getByRole('button', { name: 'grinning face', exact: true }).hover();
    expect(await contrastFailures(page, '#emoji-picker')).toEqual([]);
    await page.keyboard.press('Escape');
    await page.getByRole('banner').getByRole('button', { name: 'Sign in' }).click();
    const signIn = page.getByRole('dialog', { name: 'Sign in' });
    await signIn.getByRole('button', { name: 'Sign in' }).click();
    await signIn.locator('#account-username-error').waitFor();
    expect(await contrastFailures(page, '#account-dialog')).toEqual([]);
    expect(await contrastFailures(page, '.topbar')).toEqual([]);
  });

  it('on a 390×844 phone the new controls fit: header, picker, file tray, reactions; nothing scrolls sideways', async () => {
    const alice = await open({ viewport: PHONE, touch: true });
    const { page } = alice;
    const bob = await person();
    const fits = async (selector: string): Promise<void> => {
      const box = await page.locator(selector).first().boundingBox();
      expect(box).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    };

    await fits('#sign-in-button');
    await fits('#conn');
    expect(await page.locator('#register-button').isVisible()).toBe(false);
    await bob.ask('message', { room: 'General', msg: `a long one ${'word '.repeat(40)}` });
    const said = await bob.next<{ id: string; msg: string }>('message', (m) => m.msg.startsWith('a long one'));
    for (const emoji of ['👍', '🎉', '😂', '❤️', '👀', '🔥', '🙏', '💯'])
      await bob.ask('react', { room: 'General', messageId: said.id, emoji });
    await messageWith(page, 'a long one').locator('.reaction').nth(7).waitFor();
    await page.locator('#file-input').setInputFiles({
      name: `a-very-long-file-name-that-goes-on-and-on-${'x'.repeat(60)}.png`,
      mimeType: 'image/png',
      buffer: PNG,
    });
    await page
      .locator('#attachment-tray')
      .getByText(/Ready to send/)
      .waitFor();
    await fits('#attachment-tray .pending-file');
    await send(page, 'look');
    await messageWith(page, 'look').getByRole('img').waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);

    // A tap on a message shows its actions.
    await messageWith(page, 'look').locator('.text').tap();
    await messageWith(page, 'look').getByRole('button', { name: 'Edit message' }).waitFor();
    await fits('#messages li.msg.active .actions');

    await page.getByRole('button', { name: 'Insert emoji' }).click();
    await page.getByRole('dialog', { name: 'Insert an emoji' }).getByRole('button', { name: 'grinning face', exact: true }).waitFor();
    await fits('#emoji-picker');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: 'Sign in' }).click();
    await fits('#account-dialog');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
  });

  it('loads a private conversation from the server when opened, and older messages as one scrolls up', async () => {
    const alice = await open();
    const erin = await person();
    for (let i = 1; i <= 60; i++) await erin.ask('private_message', { target: alice.username, msg: `private note ${i}` });
    const entry = conversationButton(alice.page, 'dm', erin.username);
    await entry.locator('.badge', { hasText: '60' }).waitFor();

    // A second tab knew nothing of it: the server has the conversation.
    const tab = await openChat(browser, server.url, { context: alice.context });
    await tab.page.locator('#user-list button', { hasText: erin.username }).click();
    await waitCurrent(tab.page, 'dm', erin.username);
    await messageWith(tab.page, 'private note 60').waitFor();
    expect(await tab.page.locator('#messages li.msg').count()).toBe(50);
    await tab.page.locator('#load-older').click();
    await tab.page.locator('#messages .text').getByText('private note 1', { exact: true }).waitFor();
    expect(await tab.page.locator('#messages li.msg').count()).toBe(60);
    await tab.page.locator('#history-start', { hasText: `private conversation with ${erin.username}` }).waitFor();
    expect(await tab.page.locator('#messages li.msg .text').first().textContent()).toBe('private note 1');
    await tab.close();
    expect(tab.pageErrors).toEqual([]);
  });
});
