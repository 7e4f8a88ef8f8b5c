import {
  chip,
  conversationButton,
  expectTexts,
  message,
  messageWith,
  pageSuite,
  send,
  waitConnected,
  waitCurrent,
  type PageGlobals,
} from '../support/browser';

jest.setTimeout(30_000);

describe('the chat page: private messages written while one was away', () => {
  const suite = pageSuite();
  const { open, person } = suite;

  it('lists the conversation, marked unread, when the person comes back, and shows the message', async () => {
    const bob = await open();
    const alice = await person('General');
    await alice.next('active_users', (p: { users: string[] }) => p.users.includes(bob.username));
    await bob.page.close();
    await alice.next('active_users', (p: { users: string[] }) => !p.users.includes(bob.username), 8000);

    await expect(alice.ask('private_message', { target: bob.username, msg: 'see this when you are back' })).resolves.toMatchObject({
      ok: true,
    });

    const back = await open({ context: bob.context });
    const conversation = conversationButton(back.page, 'dm', alice.username);
    await conversation.locator('.badge', { hasText: '1' }).waitFor();
    await conversation.click();
    await waitCurrent(back.page, 'dm', alice.username);
    await message(back.page, 'see this when you are back').waitFor();
    // What was unread starts under a "New messages" line, as in a room.
    const line = back.page.locator('#messages li.msg.first-unread', { hasText: 'see this when you are back' });
    await line.locator('.unread-line', { hasText: 'New messages' }).waitFor();
    expect(await back.page.locator('#messages .unread-line').count()).toBe(1);
  });
});

describe('the chat page: private conversations, exact across tabs and reconnects', () => {
  const suite = pageSuite();
  const { open, person } = suite;

  it("shows the server's unread count on every tab; reading on one clears it on the other, and after a reload", async () => {
    const alice = await open();
    const otherTab = await open({ context: alice.context });
    const bob = await person();
    for (const msg of ['one', 'two', 'three']) await bob.ask('private_message', { target: alice.username, msg });
    for (const tab of [alice, otherTab])
      await conversationButton(tab.page, 'dm', bob.username).locator('.badge', { hasText: '3' }).waitFor();

    await conversationButton(alice.page, 'dm', bob.username).click();
    await waitCurrent(alice.page, 'dm', bob.username);
    await message(alice.page, 'three').waitFor();
    // Read there: the other tab hears it from the server (`unread {with}`), and so does a reload.
    await conversationButton(otherTab.page, 'dm', bob.username).locator('.badge').waitFor({ state: 'detached' });
    await otherTab.page.reload();
    await waitConnected(otherTab.page);
    await conversationButton(otherTab.page, 'dm', bob.username).waitFor();
    expect(await conversationButton(otherTab.page, 'dm', bob.username).locator('.badge').count()).toBe(0);
  });

  it('after a reconnect, an open private conversation gets every message written meanwhile, more than a page, once each', async () => {
    const alice = await open();
    const bob = await person();
    await bob.ask('private_message', { target: alice.username, msg: 'before the drop' });
    await conversationButton(alice.page, 'dm', bob.username).click();
    await message(alice.page, 'before the drop').waitFor();

    await alice.context.setOffline(true);
    await alice.page.evaluate(() => (globalThis as unknown as PageGlobals).__chat?.socket.io.engine.close());
    await alice.page.locator('#conn[data-state="reconnecting"]').waitFor();
    const missed = Array.from({ length: 60 }, (_, i) => `missed ${i + 1}`);
    for (const msg of missed) await bob.ask('private_message', { target: alice.username, msg });

    await alice.context.setOffline(false);
    await waitConnected(alice.page);
    await expectTexts(alice.page, '#messages .msg .text', ['before the drop', ...missed]);
    await bob.ask('private_message', { target: alice.username, msg: 'after the return' });
    await expectTexts(alice.page, '#messages .msg .text', ['before the drop', ...missed, 'after the return']);
  });

  it('edits, deletes and reacts in a private conversation; the other side sees it at once, and after a reconnect what changed meanwhile', async () => {
    const [alice, bob] = await Promise.all([open(), open()]);
    await conversationButton(alice.page, 'dm', bob.username)
      .or(alice.page.locator('#user-list button', { hasText: bob.username }))
      .first()
      .click();
    await waitCurrent(alice.page, 'dm', bob.username);
    await send(alice.page, 'lunch at noon?');
    await conversationButton(bob.page, 'dm', alice.username).click();
    await message(bob.page, 'lunch at noon?').waitFor();

    // Alice edits hers; Bob reacts to it; both see both.
    const mine = messageWith(alice.page, 'lunch at noon?');
    await mine.hover();
    await mine.getByRole('button', { name: 'Edit message' }).click();
    const editor = alice.page.getByRole('textbox', { name: 'Edit message' });
    await editor.fill('lunch at one?');
    await editor.press('Enter');
    await messageWith(bob.page, 'lunch at one?').locator('.edited', { hasText: '(edited)' }).waitFor();
    const theirs = messageWith(bob.page, 'lunch at one?');
    expect(await theirs.getByRole('button', { name: 'Edit message' }).count()).toBe(0);
    await theirs.hover();
    await theirs.getByRole('button', { name: 'Add reaction' }).click();
    const picker = bob.page.getByRole('dialog', { name: 'Choose a reaction' });
    await picker.waitFor();
    await bob.page.keyboard.type('thumbs up');
    await picker.getByRole('button', { name: 'thumbs up', exact: true }).click();
    await chip(alice.page, 'lunch at one?', '👍').locator('.reaction-count', { hasText: '1' }).waitFor();

    // Away: Bob says two things, deletes one, and takes his reaction back.
    await alice.context.setOffline(true);
    await alice.page.evaluate(() => (globalThis as unknown as PageGlobals).__chat?.socket.io.engine.close());
    await alice.page.locator('#conn[data-state="reconnecting"]').waitFor();
    await send(bob.page, 'sure');
    await send(bob.page, 'oops, wrong chat');
    const oops = messageWith(bob.page, 'oops, wrong chat');
    await oops.hover();
    await oops.getByRole('button', { name: 'Delete message' }).click();
    await bob.page.getByRole('group', { name: 'Delete this message for everyone?' }).getByRole('button', { name: 'Delete' }).click();
    await chip(bob.page, 'lunch at one?', '👍').click();
    await chip(bob.page, 'lunch at one?', '👍').waitFor({ state: 'detached' });

    await alice.context.setOffline(false);
    await waitConnected(alice.page);
    await alice.page.locator('#messages li.msg.deleted', { hasText: 'This message was deleted' }).waitFor();
    await chip(alice.page, 'lunch at one?', '👍').waitFor({ state: 'detached' });
    await expectTexts(alice.page, '#messages .msg .text', ['lunch at one? (edited)', 'sure', 'This message was deleted']);
  });
});
