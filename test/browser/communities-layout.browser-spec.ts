import type { Page } from 'playwright-core';
import { withAccount } from '../support/community';
import { contrastFailures, message, PHONE, scrollWidth, send, pageSuite } from '../support/browser';
import { registerInPage } from '../support/community-pages';

jest.setTimeout(60_000);

/** The box of `selector` lies within the phone's width. */
const fits = async (page: Page, selector: string): Promise<void> => {
  const box = await page.locator(selector).first().boundingBox();
  expect(box).not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
};

describe('the chat page: replies, rooms people create and moderation, readable and fitting a phone', () => {
  const suite = pageSuite();
  const { open } = suite;

  /** A private room of `owner` (on a socket) with a message and a reply, a moderator's page in it, opened by invite. */
  const room = async (name: string, owner: string, moderator: string, options: Parameters<typeof open>[0] = {}) => {
    const server = suite.server;
    const olga = await withAccount(server, owner);
    await olga.socket.ask('create_room', { name, visibility: 'private', topic: 'Plans, minutes and who brings the biscuits' });
    await olga.socket.ask('join', { room: name });
    const { invite } = await olga.socket.ask<{ invite: { code: string } }>('create_invite', { room: name });
    const first = await olga.socket.ask<{ message: { id: string } }>('message', { room: name, msg: 'Lunch at noon?\nMy treat.' });
    await olga.socket.ask('message', { room: name, msg: 'Yes please', replyTo: first.message.id });
    const mod = await open({ ...options, path: `/?room=${encodeURIComponent(name)}&invite=${invite.code}` });
    await registerInPage(server, mod, moderator);
    await message(mod.page, 'Yes please').waitFor();
    await olga.socket.ask('set_role', { room: name, user: moderator, role: 'moderator' });
    await mod.page.getByRole('button', { name: 'Moderation' }).waitFor();
    return { olga, mod };
  };

  it.each(['light', 'dark'] as const)(
    'passes WCAG AA colour contrast with quotes, a reply, a removal and the new dialogs (%s)',
    async (colorScheme) => {
      const { mod } = await room(`Contrast ${colorScheme}`, `owner_${colorScheme}`, `mod_${colorScheme}`, { colorScheme });
      const { page } = mod;
      await send(page, 'my own words');
      const theirs = message(page, 'Lunch at noon?\nMy treat.');
      await theirs.hover();
      await theirs.getByRole('button', { name: 'Reply', exact: true }).click();
      await page.locator('#reply-bar').waitFor();
      const own = message(page, 'my own words');
      await own.hover();
      await own.getByRole('button', { name: 'Reply', exact: true }).click();
      await message(page, 'Yes please').hover();
      await message(page, 'Yes please').getByRole('button', { name: 'Remove message' }).click();
      await page.getByRole('group', { name: 'Remove this message?' }).waitFor();
      expect(await contrastFailures(page)).toEqual([]);

      await page.getByRole('button', { name: 'Members' }).click();
      const members = page.getByRole('dialog', { name: /^Members of/ });
      await members.getByRole('button', { name: /^Ban owner/ }).click();
      await members.getByRole('group', { name: /^Ban owner/ }).waitFor();
      expect(await contrastFailures(page, '#members-dialog')).toEqual([]);
      await page.keyboard.press('Escape');

      await page.getByRole('button', { name: 'Moderation' }).click();
      await page.locator('.moment-grid[aria-busy="false"]').waitFor();
      expect(await contrastFailures(page, '#moderator-view')).toEqual([]);
      await page.keyboard.press('Escape');

      await page.getByRole('button', { name: 'Invite' }).click();
      await page.locator('#invite-dialog .dialog-intro', { hasText: 'Anyone with this link' }).waitFor();
      expect(await contrastFailures(page, '#invite-dialog')).toEqual([]);
      await page.keyboard.press('Escape');

      await page.getByRole('button', { name: 'New room' }).click();
      await page.getByRole('dialog', { name: 'New room' }).getByRole('button', { name: 'Create room' }).click();
      await page.locator('#new-room-dialog [role="alert"]').filter({ hasText: /\w/ }).waitFor();
      expect(await contrastFailures(page, '#new-room-dialog')).toEqual([]);
      expect(await contrastFailures(page, '#sidebar')).toEqual([]);
    },
  );

  it('on a 390×844 phone the header buttons, the quotes and the dialogs fit; nothing scrolls sideways', async () => {
    const { mod } = await room('Phone room', 'owner_phone', 'mod_phone', { viewport: PHONE, touch: true });
    const { page } = mod;
    for (const selector of ['#conv-title', '#members-button', '#slow-mode-field', '#moderation-button', '#leave-button'])
      await fits(page, selector);
    await fits(page, '#messages .reply-quote');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);

    await message(page, 'Yes please').locator('.text').tap();
    await message(page, 'Yes please').getByRole('button', { name: 'Reply', exact: true }).tap();
    await fits(page, '#reply-bar');
    await page.getByRole('button', { name: 'Members' }).tap();
    await page.getByRole('button', { name: /^Kick owner/ }).tap();
    await fits(page, '#members-dialog');
    await fits(page, '#members-dialog .member-form');
    await page
      .getByRole('dialog', { name: /^Members of/ })
      .getByRole('button', { name: 'Close' })
      .tap();
    await page.getByRole('button', { name: 'Moderation' }).tap();
    await page.locator('.moment-grid[aria-busy="false"]').waitFor();
    await fits(page, '#moderator-view');
    await fits(page, '#moment-slider');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
  });
});
