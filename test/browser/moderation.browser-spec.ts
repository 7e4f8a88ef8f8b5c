import type { Page } from 'playwright-core';
import type { TestApp } from '../support/test-app';
import { withAccount, type Member } from '../support/community';
import { message, messageWith, send, waitCurrent, pageSuite, type ChatPage } from '../support/browser';
import { openRoom, registerInPage } from '../support/community-pages';

jest.setTimeout(60_000);

interface Room {
  owner: Member;
  /** A page signed in as the room's moderator. */
  mod: ChatPage;
  /** A guest's page, a plain member. */
  member: ChatPage;
}

/** The member list of the open room, from its header. */
const openMembers = async (page: Page, room: string) => {
  await page.getByRole('button', { name: 'Members' }).click();
  const dialog = page.getByRole('dialog', { name: `Members of ${room}` });
  await dialog.waitFor();
  return dialog;
};

describe('the chat page: moderation', () => {
  const suite = pageSuite({ ADMIN_USERS: 'root' });
  const { open } = suite;
  let server: TestApp;

  beforeAll(() => {
    server = suite.server;
  });

  /**
   * A public room `room` made by `ownerName` (on a plain socket), with a moderator `modName` on a page
   * (made moderator while the page is open: the page follows the push) and a guest's page as a member.
   */
  const roomWithModerator = async (room: string, ownerName: string, modName: string): Promise<Room> => {
    const owner = await withAccount(server, ownerName);
    await owner.socket.ask('create_room', { name: room, visibility: 'public' });
    await owner.socket.ask('join', { room });
    const [mod, member] = await Promise.all([open(), open()]);
    await registerInPage(server, mod, modName);
    for (const { page } of [mod, member]) await openRoom(page, room);
    expect(await mod.page.getByRole('button', { name: 'Moderation' }).count()).toBe(0);
    await expect(owner.socket.ask('set_role', { room, user: modName, role: 'moderator' })).resolves.toMatchObject({ ok: true });
    await mod.page.getByRole('button', { name: 'Moderation' }).waitFor();
    return { owner, mod, member };
  };

  it('lets a moderator remove a message, which the member watches turn into a "removed by" tombstone; the member gets no such controls', async () => {
    const room = 'Town hall';
    const { owner, mod, member } = await roomWithModerator(room, 'olga', 'moe');
    await owner.socket.ask('message', { room, msg: 'agenda' });
    await send(member.page, 'something rude');
    await message(mod.page, 'something rude').waitFor();

    // A plain member: replies and reactions, nothing of moderation (absent, not disabled).
    const agenda = message(member.page, 'agenda');
    await agenda.hover();
    await agenda.getByRole('button', { name: 'Reply', exact: true }).waitFor();
    expect(await member.page.getByRole('button', { name: 'Remove message' }).count()).toBe(0);
    for (const name of ['Moderation', 'Invite']) expect(await member.page.getByRole('button', { name }).count()).toBe(0);
    expect(await member.page.getByRole('combobox', { name: 'Slow mode' }).count()).toBe(0);
    const seen = await openMembers(member.page, room);
    await seen.getByText('moe', { exact: true }).waitFor();
    await seen.getByText('olga', { exact: true }).waitFor();
    expect(await seen.getByRole('button', { name: /^(Kick|Mute|Ban|Unban|Unmute)/ }).count()).toBe(0);
    await member.page.keyboard.press('Escape');
    await seen.waitFor({ state: 'hidden' });

    // The moderator: Remove on others' messages (not on their own), with a reason.
    await send(mod.page, 'my own words');
    const own = message(mod.page, 'my own words');
    await own.hover();
    await own.getByRole('button', { name: 'Edit message' }).waitFor();
    expect(await own.getByRole('button', { name: 'Remove message' }).count()).toBe(0);
    const rude = message(mod.page, 'something rude');
    const id = (await rude.getAttribute('data-id')) ?? '';
    await rude.hover();
    await rude.getByRole('button', { name: 'Remove message' }).click();
    const confirm = mod.page.getByRole('group', { name: 'Remove this message?' });
    await confirm.getByRole('textbox', { name: 'Reason (optional)' }).fill('rude');
    await confirm.getByRole('button', { name: 'Remove', exact: true }).click();
    for (const { page } of [member, mod]) {
      await page.locator(`li.msg.deleted[data-id="${id}"]`, { hasText: 'Removed by moe: rude' }).waitFor();
      expect(await message(page, 'something rude').count()).toBe(0);
    }

    // The owner's message is above a moderator: the server's refusal shows, nothing is swallowed.
    const above = message(mod.page, 'agenda');
    await above.hover();
    await above.getByRole('button', { name: 'Remove message' }).click();
    await confirm.getByRole('button', { name: 'Remove', exact: true }).click();
    await confirm.getByRole('alert').filter({ hasText: 'You cannot remove the messages of someone above or beside you' }).waitFor();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect(await message(member.page, 'agenda').count()).toBe(1);
  });

  it('shows moderators the audit, and a slider over the messages that shows the room as it stood, a removed message as it was', async () => {
    const room = 'Council';
    const { owner, mod, member } = await roomWithModerator(room, 'olive', 'mona');
    await owner.socket.ask('message', { room, msg: 'agenda' });
    await send(member.page, 'something rude');
    await owner.socket.ask('message', { room, msg: 'carry on' });
    const rude = message(mod.page, 'something rude');
    await message(mod.page, 'carry on').waitFor();
    await rude.hover();
    await rude.getByRole('button', { name: 'Remove message' }).click();
    const confirm = mod.page.getByRole('group', { name: 'Remove this message?' });
    await confirm.getByRole('textbox', { name: 'Reason (optional)' }).fill('rude');
    await confirm.getByRole('button', { name: 'Remove', exact: true }).click();
    await messageWith(member.page, 'Removed by mona: rude').waitFor();

    await mod.page.getByRole('button', { name: 'Moderation' }).click();
    const view = mod.page.getByRole('dialog', { name: `Moderation of ${room}` });
    await view.waitFor();
    const audit = view.getByRole('list', { name: 'Audit log' });
    await audit.getByText('olive made mona a moderator').waitFor();
    await audit.getByText(`mona removed a message by ${member.username}: rude`).waitFor();

    // Now: the removal shows. Then back to just after the first message, and on to the second.
    const slider = view.getByRole('slider', { name: 'Moment' });
    const moment = view.getByRole('list', { name: 'Messages then' });
    /** The slider rests on `at` (its words under it), and the room as it stood then is loaded. */
    const settled = async (at: string | RegExp): Promise<void> => {
      await view.getByText(at).waitFor();
      await view.locator('.moment-grid[aria-busy="false"]').waitFor();
    };
    await settled(/^Now$/);
    await moment.getByText('Removed by mona: rude').waitFor();
    await slider.focus();
    await mod.page.keyboard.press('Home');
    await settled(/^Just after message 1\b/);
    expect(await moment.locator('.moment-text').allTextContents()).toEqual(['agenda']);
    await mod.page.keyboard.press('ArrowRight');
    await settled(/^Just after message 2\b/);
    expect(await moment.locator('.moment-text').allTextContents()).toEqual(['agenda', 'something rude']);
    // Who was in the room then, in what role.
    const members = view.getByRole('list', { name: 'Members then' });
    await members.getByText('mona', { exact: true }).waitFor();
    await members.locator('li', { hasText: 'mona' }).getByText('moderator').waitFor();
    await members.getByText(member.username, { exact: true }).waitFor();
    await mod.page.keyboard.press('End');
    await settled(/^Now$/);
    expect(await moment.locator('.moment-text').allTextContents()).toEqual(['agenda', 'Removed by mona: rude', 'carry on']);
    await view.getByRole('button', { name: 'Close' }).click();
    await view.waitFor({ state: 'hidden' });
  });

  it('kicks, mutes and bans from the member list, with slow mode from the header; the member is told why and how long to wait', async () => {
    const room = 'Back room';
    const { mod, member } = await roomWithModerator(room, 'oona', 'mick');
    const who = member.username;
    const input = member.page.locator('#composer-input');
    const error = member.page.locator('#composer-error');

    // Slow mode: the second message within 30 s is refused, saying how long to wait; the text stays.
    await mod.page.getByRole('combobox', { name: 'Slow mode' }).selectOption({ label: '30 seconds' });
    await member.page.locator('#messages .system', { hasText: 'mick turned on slow mode: one message every 30 seconds' }).waitFor();
    // A member who opens the room afresh learns it from the room, not only from the push.
    await member.page.reload();
    await member.page.locator('#conv-subtitle', { hasText: 'slow mode, one message every 30 seconds' }).waitFor();
    await send(member.page, 'one');
    await input.fill('two');
    await input.press('Enter');
    await error.getByText(/^Slow mode is on: you can send again in \d+ s\.$/).waitFor();
    expect(await input.inputValue()).toBe('two');
    await mod.page.getByRole('combobox', { name: 'Slow mode' }).selectOption({ label: 'Off' });
    await member.page.locator('#messages .system', { hasText: 'mick turned off slow mode' }).waitFor();
    await send(member.page, 'two');

    // Mute for an hour: refused, with until when.
    let members = await openMembers(mod.page, room);
    await members.getByRole('button', { name: `Mute ${who}`, exact: true }).click();
    let form = members.getByRole('group', { name: `Mute ${who}`, exact: true });
    await form.getByRole('combobox', { name: 'For' }).selectOption({ label: '1 hour' });
    await form.getByRole('button', { name: 'Mute', exact: true }).click();
    await members.locator('li', { hasText: who }).getByText('muted').waitFor();
    await input.fill('can you hear me');
    await input.press('Enter');
    await error.getByText(new RegExp(`^You are muted in ${room} until .+\\.$`)).waitFor();
    await members.getByRole('button', { name: `Unmute ${who}`, exact: true }).click();
    await members.getByRole('button', { name: `Mute ${who}`, exact: true }).waitFor();
    await send(member.page, 'can you hear me');

    // Kick: the member leaves the room's view and is told by whom and why; they may come back.
    await members.getByRole('button', { name: `Kick ${who}`, exact: true }).click();
    form = members.getByRole('group', { name: `Kick ${who}`, exact: true });
    await form.getByRole('textbox', { name: 'Reason (optional)' }).fill('cool off');
    await form.getByRole('button', { name: 'Kick', exact: true }).click();
    await members.getByText(who, { exact: true }).waitFor({ state: 'detached' });
    await waitCurrent(member.page, 'room', 'General');
    await member.page.locator('#composer-note', { hasText: `You were removed from ${room} by mick: cool off` }).waitFor();
    await mod.page.locator('#messages .system', { hasText: `${who} was removed from the room by mick: cool off` }).waitFor();
    await mod.page.keyboard.press('Escape');
    await openRoom(member.page, room);

    // Ban for a day: out again, and refused at the door, with until when.
    members = await openMembers(mod.page, room);
    await members.getByRole('button', { name: `Ban ${who}`, exact: true }).click();
    form = members.getByRole('group', { name: `Ban ${who}`, exact: true });
    await form.getByRole('combobox', { name: 'For' }).selectOption({ label: '1 day' });
    await form.getByRole('textbox', { name: 'Reason (optional)' }).fill('spam');
    await form.getByRole('button', { name: 'Ban', exact: true }).click();
    await waitCurrent(member.page, 'room', 'General');
    await member.page.locator('#composer-note', { hasText: new RegExp(`^You were banned from ${room} by mick until .+: spam$`) }).waitFor();
    await members.getByRole('list', { name: 'Banned' }).getByText(who, { exact: true }).waitFor();
    await member.page.locator('#room-list button', { hasText: room }).click();
    await error.getByText(new RegExp(`^You are banned from ${room} until .+\\.$`)).waitFor();
    await members.getByRole('button', { name: `Unban ${who}`, exact: true }).click();
    await members.getByRole('list', { name: 'Banned' }).waitFor({ state: 'detached' });
  });

  it('gives an admin (ADMIN_USERS) the moderation controls in every room, the default ones too', async () => {
    const [root, someone] = await Promise.all([open(), open()]);
    await send(someone.page, 'hello from someone');
    expect(await root.page.getByRole('button', { name: 'Moderation' }).count()).toBe(0);
    await registerInPage(server, root, 'root');
    await root.page.getByRole('button', { name: 'Moderation' }).waitFor();
    const theirs = message(root.page, 'hello from someone');
    await theirs.hover();
    await theirs.getByRole('button', { name: 'Remove message' }).waitFor();
    await root.page.getByRole('combobox', { name: 'Slow mode' }).waitFor();
    // Invites are for rooms people created: anyone may join the default ones.
    expect(await root.page.getByRole('button', { name: 'Invite' }).count()).toBe(0);
  });
});
