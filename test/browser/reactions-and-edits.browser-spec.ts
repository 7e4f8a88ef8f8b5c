import {
  activeId,
  chip,
  focused,
  messageWith,
  send,
  waitConnected,
  pageSuite,
  type PageElement,
  type PageGlobals,
} from '../support/browser';

jest.setTimeout(30_000);

describe('the chat page: reactions, edits and deletes', () => {
  const suite = pageSuite();
  const { open } = suite;

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
});
