import type { Locator, Page } from 'playwright-core';
import { conversationButton, waitCurrent, type ChatPage } from './browser';
import type { TestApp } from './test-app';

/**
 * Rooms people create, moderation and replies, as the browser specs drive them: accounts made from a
 * page's own session, rooms created and opened from the page.
 */

/** The password every account of these specs gets. */
export const passwordOf = (name: string): string => `${name}-password-123`;

/**
 * Registers the page's guest as `name`, as the account dialog would (the page's own cookie, its own
 * origin), and waits until the page says so. Returns the session cookie, for a socket of the same user.
 */
export const registerInPage = async (server: TestApp, chat: ChatPage, name: string): Promise<string> => {
  const response = await chat.context.request.post(`${server.url}/api/auth/register`, {
    data: { username: name, password: passwordOf(name) },
    headers: { origin: server.url },
  });
  expect(response.status()).toBe(201);
  await chat.page.locator('#welcome', { hasText: `Signed in as ${name}` }).waitFor();
  return (await chat.context.cookies(server.url)).map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
};

/** Creates a room from the page's "New room" dialog; the page opens (and joins) it. */
export const createRoomInPage = async (page: Page, name: string, visibility: 'public' | 'private', topic = ''): Promise<void> => {
  await page.getByRole('button', { name: 'New room' }).click();
  const dialog = page.getByRole('dialog', { name: 'New room' });
  await dialog.getByRole('textbox', { name: 'Name' }).fill(name);
  await dialog.getByRole('radio', { name: visibility === 'private' ? /^Private/ : /^Public/ }).check();
  await dialog.getByRole('textbox', { name: /^Topic/ }).fill(topic);
  await dialog.getByRole('button', { name: 'Create room' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await waitJoined(page, name);
};

/** Opens `room` from the sidebar and waits until the page is in it (its Leave button shows). */
export const openRoom = async (page: Page, room: string): Promise<void> => {
  await conversationButton(page, 'room', room).click();
  await waitJoined(page, room);
};

/** The open conversation is `room`, joined. */
export const waitJoined = async (page: Page, room: string): Promise<void> => {
  await waitCurrent(page, 'room', room);
  await page.getByRole('button', { name: 'Leave room' }).waitFor();
};

/** Whether `locator` lies within the visible part of the message list. */
export const inView = async (page: Page, locator: Locator): Promise<boolean> => {
  const [box, scroller] = await Promise.all([locator.boundingBox(), page.locator('#scroller').boundingBox()]);
  if (box === null || scroller === null) return false;
  return box.y >= scroller.y - 1 && box.y + Math.min(box.height, scroller.height) <= scroller.y + scroller.height + 1;
};
