import { activeId, focused, messageWith, send, waitCurrent, pageSuite } from '../support/browser';

jest.setTimeout(30_000);

describe('the chat page: typing indicator and emoji', () => {
  const suite = pageSuite();
  const { open } = suite;

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
});
