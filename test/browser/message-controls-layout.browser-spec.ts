import { chip, contrastFailures, messageWith, PHONE, scrollWidth, send, pageSuite } from '../support/browser';
import { DOTS_PNG } from '../support/png';

jest.setTimeout(30_000);

describe('the chat page: message controls, readable and fitting a phone', () => {
  const suite = pageSuite();
  const { open, person } = suite;

  it.each(['light', 'dark'] as const)(
    'keeps reactions, edits, deletions, files, typing, the picker and the account dialog readable (WCAG AA) in the %s colour scheme',
    async (colorScheme) => {
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
      await page.locator('#file-input').setInputFiles({ name: 'dots.png', mimeType: 'image/png', buffer: DOTS_PNG });
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
    },
  );

  it('on a 390×844 phone the header, picker, file tray, reactions and message actions fit; nothing scrolls sideways', async () => {
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
      buffer: DOTS_PNG,
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
});
