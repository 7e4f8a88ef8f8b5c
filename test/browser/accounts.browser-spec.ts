import type { TestApp } from '../support/test-app';
import { activeId, messageWith, send, userList, waitConnected, pageSuite, type PageGlobals } from '../support/browser';

jest.setTimeout(30_000);

describe('the chat page: accounts', () => {
  const suite = pageSuite();
  const { open } = suite;
  let server: TestApp;

  beforeAll(() => {
    server = suite.server;
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

  it('shows what was written as a guest as one’s own on another device after signing in there, and lets it be edited', async () => {
    const laptop = await open();
    await send(laptop.page, 'written on the laptop as a guest');
    const cookie = (await laptop.context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    await server.http().post('/api/auth/register').set('Cookie', cookie).send({ username: 'grace', password: 'cobol forever' }).expect(201);
    await laptop.page.locator('#welcome', { hasText: 'Signed in as grace' }).waitFor();

    const phone = await open();
    await messageWith(phone.page, 'written on the laptop as a guest').waitFor();
    expect(await messageWith(phone.page, 'written on the laptop as a guest').getAttribute('class')).not.toContain('own');
    await phone.page.getByRole('banner').getByRole('button', { name: 'Sign in' }).click();
    const signIn = phone.page.getByRole('dialog', { name: 'Sign in' });
    await signIn.getByRole('textbox', { name: 'Username' }).fill('grace');
    await signIn.getByLabel('Password').fill('cobol forever');
    await signIn.getByRole('button', { name: 'Sign in' }).click();
    await phone.page.locator('#welcome', { hasText: 'Signed in as grace' }).waitFor();
    await waitConnected(phone.page);
    // Written under the guest name this device never knew: still hers, by her author id.
    const mine = messageWith(phone.page, 'written on the laptop as a guest');
    await mine.and(phone.page.locator('.own')).waitFor();
    // The phone's guest from before signing in leaves after its grace period; its line moves the list, so wait for it before hovering.
    await phone.page.locator('#messages .system.leave', { hasText: 'has left the room' }).waitFor();
    await mine.hover();
    await mine.getByRole('button', { name: 'Edit message' }).click();
    const editor = phone.page.getByRole('textbox', { name: 'Edit message' });
    await editor.fill('edited on the phone');
    await editor.press('Enter');
    await messageWith(laptop.page, 'edited on the phone').locator('.edited').waitFor();
  });
});
