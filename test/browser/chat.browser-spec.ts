import type { Browser } from 'playwright-core';
import type { TestApp } from '../support/test-app';
import {
  conversationButton,
  expectTexts,
  message,
  messageTexts,
  messageWith,
  openChat,
  send,
  waitConnected,
  waitCurrent,
  pageSuite,
} from '../support/browser';

jest.setTimeout(30_000);

describe('the chat page: rooms, private conversations, presence', () => {
  const suite = pageSuite();
  const { open, person } = suite;
  let server: TestApp;
  let browser: Browser;

  beforeAll(() => {
    server = suite.server;
    browser = suite.browser;
  });

  it('welcomes a guest by name, joins General and shows its recent history with sender and local time', async () => {
    const early = await server.connect();
    await early.ask('join', { room: 'General' });
    await early.ask('message', { room: 'General', msg: 'said before the page opened' });

    const alice = await open();

    expect(alice.username).toMatch(/^Guest\d+$/);
    expect(await alice.page.locator('#welcome').textContent()).toBe(`Welcome, ${alice.username}`);
    await waitCurrent(alice.page, 'room', 'General');
    const seeded = message(alice.page, 'said before the page opened');
    await seeded.waitFor();
    expect(await seeded.locator('.author').textContent()).toBe(early.username);
    const time = seeded.locator('time');
    expect(await time.getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await time.textContent()).toMatch(/^\d{1,2}:\d\d/);
    expect(await seeded.getAttribute('class')).not.toContain('own');
    early.close();
  });

  it('two people in two browsers see each other’s messages in a room; their own are styled apart', async () => {
    const [alice, bob] = await Promise.all([open(), open()]);

    await send(alice.page, 'Hi Bob, it is Alice');
    await message(bob.page, 'Hi Bob, it is Alice').waitFor();
    await send(bob.page, 'Hello Alice!');
    await message(alice.page, 'Hello Alice!').waitFor();

    expect(await message(alice.page, 'Hi Bob, it is Alice').getAttribute('class')).toContain('own');
    expect(await message(alice.page, 'Hello Alice!').getAttribute('class')).not.toContain('own');
    expect(await message(bob.page, 'Hello Alice!').getAttribute('class')).toContain('own');
    expect(await message(bob.page, 'Hi Bob, it is Alice').locator('.author').textContent()).toBe(alice.username);
    const aliceTexts = await messageTexts(alice.page);
    expect(aliceTexts.filter((text) => text === 'Hi Bob, it is Alice')).toHaveLength(1);
    expect(aliceTexts.indexOf('Hi Bob, it is Alice')).toBeLessThan(aliceTexts.indexOf('Hello Alice!'));
  });

  it('opens a private conversation from the online list; both directions arrive, with unread counts', async () => {
    const [alice, bob] = await Promise.all([open(), open()]);

    await alice.page.locator('#user-list button', { hasText: bob.username }).click();
    await waitCurrent(alice.page, 'dm', bob.username);
    expect(await alice.page.locator('#composer-input').getAttribute('placeholder')).toBe(`Message ${bob.username} privately`);
    await send(alice.page, 'psst, just between us');
    await message(alice.page, 'psst, just between us').waitFor();

    const bobsEntry = conversationButton(bob.page, 'dm', alice.username);
    await bobsEntry.locator('.badge', { hasText: '1' }).waitFor();
    expect(await message(bob.page, 'psst, just between us').count()).toBe(0);
    await bobsEntry.click();
    await waitCurrent(bob.page, 'dm', alice.username);
    await message(bob.page, 'psst, just between us').waitFor();
    expect(await bobsEntry.locator('.badge').count()).toBe(0);

    await send(bob.page, 'secret reply');
    await message(alice.page, 'secret reply').waitFor();
    await expectTexts(alice.page, '#messages .msg .text', ['psst, just between us', 'secret reply']);
    await expectTexts(bob.page, '#messages .msg .text', ['psst, just between us', 'secret reply']);
  });

  it('"@name text" typed in a room sends a private message, not a room message', async () => {
    const [alice, bob] = await Promise.all([open(), open()]);

    await send(alice.page, `@${bob.username} meet me in private`);
    await alice.page.locator('#composer-note', { hasText: `Sent privately to ${bob.username}` }).waitFor();
    const entry = conversationButton(bob.page, 'dm', alice.username);
    await entry.locator('.badge', { hasText: '1' }).waitFor();
    expect(await message(bob.page, 'meet me in private').count()).toBe(0);
    await entry.click();
    await message(bob.page, 'meet me in private').waitFor();
    expect(await message(alice.page, 'meet me in private').count()).toBe(0);
    expect(await conversationButton(alice.page, 'dm', bob.username).count()).toBe(1);
  });

  it('counts unread messages in other rooms and switches rooms with the keyboard', async () => {
    const alice = await open();
    const carol = await server.connect();
    await carol.ask('join', { room: 'Code with Josh' });

    // Join a second room by clicking it, then go back to General with the keyboard.
    await conversationButton(alice.page, 'room', 'Code with Josh').click();
    await waitCurrent(alice.page, 'room', 'Code with Josh');
    await alice.page.locator('#messages .system', { hasText: `${alice.username} has joined the room.` }).waitFor();
    await alice.page.locator('#composer-input').focus();
    await alice.page.keyboard.press('Alt+ArrowUp');
    await alice.page.keyboard.press('Alt+ArrowUp');
    await waitCurrent(alice.page, 'room', 'General');

    await carol.ask('message', { room: 'Code with Josh', msg: 'first while you were away' });
    await carol.ask('message', { room: 'Code with Josh', msg: 'second while you were away' });
    const josh = conversationButton(alice.page, 'room', 'Code with Josh');
    await josh.locator('.badge', { hasText: '2' }).waitFor();
    expect(await josh.textContent()).toContain('unread');
    await alice.page.waitForFunction(() => (globalThis as unknown as { document: { title: string } }).document.title.startsWith('(2)'));

    // ↓ moves focus through the sidebar, Enter opens.
    await conversationButton(alice.page, 'room', 'General').focus();
    await alice.page.keyboard.press('ArrowDown');
    await alice.page.keyboard.press('ArrowDown');
    await alice.page.keyboard.press('Enter');
    await waitCurrent(alice.page, 'room', 'Code with Josh');
    await message(alice.page, 'second while you were away').waitFor();
    expect(await josh.locator('.badge').count()).toBe(0);
    carol.close();
  });

  it('shows joins and leaves as system lines', async () => {
    const alice = await open();
    const dave = await server.connect();
    await dave.ask('join', { room: 'General' });
    const joined = alice.page.locator('#messages li.system', { hasText: `${dave.username} has joined the room.` });
    await joined.waitFor();
    expect(await joined.locator('time').count()).toBe(1);
    await dave.ask('leave', { room: 'General' });
    await alice.page.locator('#messages li.system.leave', { hasText: `${dave.username} has left the room.` }).waitFor();
    dave.close();
  });

  it('lists who is online, marks "(you)", and drops someone when they close their page', async () => {
    const [alice, bob] = await Promise.all([open(), open()]);
    const me = alice.page.locator('#user-list li.me');
    await me.waitFor();
    expect(await me.locator('.user-name').textContent()).toBe(alice.username);
    expect(await me.locator('.you').textContent()).toBe('(you)');
    const bobEntry = alice.page.locator('#user-list li', { hasText: bob.username });
    await bobEntry.waitFor();

    await bob.close();
    await bobEntry.waitFor({ state: 'detached' });
    expect(await alice.page.locator('#user-list').textContent()).not.toContain(bob.username);
  });

  it('keeps the same name after a reload, and the open private conversation with its messages', async () => {
    const alice = await open();
    const erin = await server.connect();
    await erin.ask('join', { room: 'The Nerd Nook' });
    await erin.ask('message', { room: 'The Nerd Nook', msg: 'an old message in the Nook' });
    await conversationButton(alice.page, 'room', 'The Nerd Nook').click();
    await message(alice.page, 'an old message in the Nook').waitFor();
    await erin.ask('private_message', { target: alice.username, msg: 'remember me after a reload?' });
    await conversationButton(alice.page, 'dm', erin.username).click();
    await message(alice.page, 'remember me after a reload?').waitFor();

    await alice.page.reload();
    await waitConnected(alice.page);
    expect(await alice.page.locator('#welcome strong').textContent()).toBe(alice.username);
    await waitCurrent(alice.page, 'dm', erin.username);
    await expectTexts(alice.page, '#messages .msg .text', ['remember me after a reload?']);
    // Her rooms are rejoined (the page is "connected" only once they are caught up), and what was
    // already said there does not count as unread.
    await conversationButton(alice.page, 'room', 'The Nerd Nook').and(alice.page.locator(':not(.not-joined)')).waitFor();
    expect(await alice.page.locator('#room-list .badge').count()).toBe(0);
    await conversationButton(alice.page, 'room', 'The Nerd Nook').click();
    await expectTexts(alice.page, '#messages .msg .text', ['an old message in the Nook']);
    erin.close();
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
    // Scrolling up to the top of the list (where "Load earlier messages" sits) fetches the older page.
    await tab.page.locator('#load-older').scrollIntoViewIfNeeded();
    await tab.page.locator('#messages .text').getByText('private note 1', { exact: true }).waitFor();
    expect(await tab.page.locator('#messages li.msg').count()).toBe(60);
    await tab.page.locator('#history-start', { hasText: `private conversation with ${erin.username}` }).waitFor();
    expect(await tab.page.locator('#messages li.msg .text').first().textContent()).toBe('private note 1');
    await tab.close();
    expect(tab.pageErrors).toEqual([]);
  });
});
