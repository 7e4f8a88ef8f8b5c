import type { TestApp } from '../support/test-app';
import {
  activeId,
  contrastFailures,
  conversationButton,
  expectTexts,
  message,
  PHONE,
  scrollWidth,
  send,
  waitConnected,
  waitCurrent,
  type PageGlobals,
  pageSuite,
} from '../support/browser';

jest.setTimeout(30_000);

const XSS_ROOM = '<img src=x onerror=alert(1)>';
const XSS_STRINGS = [
  XSS_ROOM,
  '<script>alert(2)</script>',
  '"><svg onload=alert(3)>',
  '<a href=javascript:alert(4)>click</a>',
  '&lt;b&gt;not bold&lt;/b&gt;',
];

describe('the chat page: phones, accessibility and safety', () => {
  const suite = pageSuite({ CHAT_ROOMS: `General,Code with Josh,${XSS_ROOM}` });
  const { open, person } = suite;
  let server: TestApp;

  beforeAll(() => {
    server = suite.server;
  });

  it('on a 390×844 phone the sidebar is a drawer behind a toggle, and nothing scrolls sideways', async () => {
    const alice = await open({ viewport: PHONE });
    const { page } = alice;
    const toggle = page.getByRole('button', { name: 'Show conversations' });
    const sidebar = page.locator('#sidebar');

    expect(await toggle.isVisible()).toBe(true);
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await sidebar.isVisible()).toBe(false);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);

    // Long unbroken text wraps instead of widening the page.
    await send(page, 'W'.repeat(300));
    await send(page, `https://example.com/${'very-long-path-segment/'.repeat(12)}`);
    await message(page, 'W'.repeat(300)).waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);

    await toggle.click();
    await sidebar.waitFor({ state: 'visible' });
    expect(await page.locator('#drawer-toggle').getAttribute('aria-expanded')).toBe('true');
    // Focus moves into the drawer, onto the open conversation.
    await page.waitForFunction(
      () => (globalThis as unknown as PageGlobals).document.activeElement?.getAttribute('aria-current') === 'page',
    );
    // Once slid in, the drawer lies within the screen.
    await page.waitForFunction(() => {
      const box = (globalThis as unknown as PageGlobals).document.querySelector('#sidebar')?.getBoundingClientRect();
      return box !== undefined && box.left === 0 && box.right <= 390;
    });
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);

    // Escape closes it and gives focus back to the toggle.
    await page.keyboard.press('Escape');
    await sidebar.waitFor({ state: 'hidden' });
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.activeElement?.getAttribute('id') === 'drawer-toggle');

    // Picking a room in the drawer opens it and closes the drawer.
    await page.locator('#drawer-toggle').click();
    await conversationButton(page, 'room', 'Code with Josh').click();
    await sidebar.waitFor({ state: 'hidden' });
    await waitCurrent(page, 'room', 'Code with Josh');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
  });

  it('renders markup in messages, private messages and room names as text and runs none of it', async () => {
    const [alice, bob] = await Promise.all([open(), open()]);

    for (const text of XSS_STRINGS) await send(alice.page, text);
    for (const { page } of [alice, bob]) {
      await message(page, XSS_STRINGS[XSS_STRINGS.length - 1]!).waitFor();
      expect((await page.locator('#messages .msg .text').allTextContents()).slice(-XSS_STRINGS.length)).toEqual(XSS_STRINGS);
    }

    // A room whose name is markup: listed, opened, titled and used literally.
    const room = conversationButton(alice.page, 'room', XSS_ROOM);
    await room.click();
    await waitCurrent(alice.page, 'room', XSS_ROOM);
    expect(await alice.page.locator('#conv-title').textContent()).toBe(`#${XSS_ROOM}`);
    await send(alice.page, 'inside the strangely named room');
    await message(alice.page, 'inside the strangely named room').waitFor();

    // A private message with markup.
    await alice.page.locator('#user-list button', { hasText: bob.username }).click();
    await send(alice.page, XSS_STRINGS[1]!);
    await conversationButton(bob.page, 'dm', alice.username).click();
    await expectTexts(bob.page, '#messages .msg .text', [XSS_STRINGS[1]!]);

    // The page's own icons (the message actions, in private conversations too) are `svg.icon`; nothing else is drawn.
    for (const { page } of [alice, bob]) {
      expect(await page.locator('img, #messages script, #messages svg:not(.icon), #messages a, #sidebar img, #messages b').count()).toBe(0);
      expect(await page.locator('#messages .text *, #messages .author *').count()).toBe(0);
    }
    expect(alice.dialogs).toEqual([]);
    expect(bob.dialogs).toEqual([]);
  });

  it('is served with no inline script, style or handler, so the CSP forbids them and the page needs none', async () => {
    const response = await fetch(`${server.url}/`);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await response.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(html).not.toMatch(/<style/i);
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    const alice = await open();
    await send(alice.page, 'CSP check');
    expect(alice.consoleErrors.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);
  });

  it('has landmarks, labelled controls, Enter to send, Shift+Enter for a new line, and announces new messages', async () => {
    const alice = await open();
    const { page } = alice;
    expect(await page.getByRole('banner').count()).toBe(1);
    expect(await page.getByRole('main').count()).toBe(1);
    expect(await page.getByRole('navigation', { name: 'Rooms' }).count()).toBe(1);
    expect(await page.getByRole('navigation', { name: 'Direct messages' }).count()).toBe(1);
    expect(await page.getByRole('region', { name: /^Online/ }).count()).toBe(1);
    expect(await page.getByRole('region', { name: 'Messages in General' }).count()).toBe(1);
    expect(await page.getByRole('heading', { level: 1, name: 'General' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Send message' }).count()).toBe(1);
    expect(await page.getByRole('status').filter({ hasText: 'Connected' }).count()).toBe(1);

    const input = page.getByRole('textbox', { name: 'Message General' });
    await input.click();
    await page.keyboard.type('first line');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('second line');
    expect(await input.inputValue()).toBe('first line\nsecond line');
    expect(await page.locator('#messages .msg .text', { hasText: 'first line' }).count()).toBe(0);
    await page.keyboard.press('Enter');
    await message(page, 'first line\nsecond line').waitFor();
    // The box empties when the server acknowledges, which may come just after the message itself.
    await page.locator('#composer-input:placeholder-shown').waitFor();
    expect(await input.inputValue()).toBe('');
    // Focus stays in the message box for the next message.
    expect(await activeId(page)).toBe('composer-input');

    const announcer = page.locator('#announcer');
    expect(await announcer.getAttribute('aria-live')).toBe('polite');
    const bob = await person();
    await bob.ask('message', { room: 'General', msg: 'can you hear me?' });
    await announcer.getByText(`${bob.username}: can you hear me?`).waitFor({ state: 'attached' });
    await bob.ask('private_message', { target: alice.username, msg: 'and privately?' });
    await announcer.getByText(`${bob.username} (private): and privately?`).waitFor({ state: 'attached' });
  });

  it.each(['light', 'dark'] as const)('passes WCAG AA colour contrast in the %s colour scheme', async (colorScheme) => {
    const alice = await open({ colorScheme });
    const { page } = alice;
    const bob = await person();
    for (let i = 1; i <= 25; i++) await bob.ask('message', { room: 'General', msg: `message number ${i} from someone else` });
    await bob.ask('private_message', { target: alice.username, msg: 'a private hello' });
    await send(page, 'my own message');
    await conversationButton(page, 'dm', bob.username).locator('.badge').waitFor();
    await page.locator('#composer-input').fill('x'.repeat(2001));
    await page.locator('#composer-input').press('Enter');
    await page.locator('#composer-error').getByText('Message is longer').waitFor();
    // Scrolled up while a message arrives: the new-messages marker shows.
    await page.evaluate(() => (globalThis as unknown as PageGlobals).document.querySelector('#scroller')?.scrollTo(0, 0));
    await bob.ask('message', { room: 'General', msg: 'one more' });
    await page.locator('#new-marker').waitFor();
    expect(await contrastFailures(page)).toEqual([]);

    // The empty box's placeholder and the reconnecting state too.
    await page.locator('#composer-input').fill('');
    await alice.context.setOffline(true);
    await page.evaluate(() => (globalThis as unknown as PageGlobals).__chat?.socket.io.engine.close());
    await page.locator('#conn-banner').waitFor();
    expect(await contrastFailures(page)).toEqual([]);
    await alice.context.setOffline(false);
    await waitConnected(page);

    // The drawer on a phone.
    await page.setViewportSize(PHONE);
    await page.locator('#drawer-toggle').click();
    await page.locator('#sidebar').waitFor({ state: 'visible' });
    await page.waitForFunction(() => {
      const sidebar = (globalThis as unknown as PageGlobals).document.querySelector('#sidebar');
      return sidebar !== null && sidebar.getBoundingClientRect().left === 0;
    });
    expect(await contrastFailures(page, '#sidebar')).toEqual([]);
  });
});
