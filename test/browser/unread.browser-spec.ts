import { conversationButton, message, pageSuite, waitCurrent } from '../support/browser';

jest.setTimeout(30_000);

type Chat = { __chat?: { state: { knownRoom(name: string): { readSeq: number; maxSeq: number } | undefined } } };

/** Unread counts come from the server: the same in every tab, after a reload too. */
describe('the chat page: unread counts from the server', () => {
  const suite = pageSuite();
  const { open, person } = suite;

  it('shows the same unread badge in two tabs; reading in one clears it in the other, and a reload keeps the server’s count', async () => {
    const room = 'Code with Josh';
    const first = await open();
    // Join the room, then back to General.
    await conversationButton(first.page, 'room', room).click();
    await waitCurrent(first.page, 'room', room);
    await conversationButton(first.page, 'room', 'General').click();
    await waitCurrent(first.page, 'room', 'General');
    const second = await open({ context: first.context });

    const carol = await person(room);
    await carol.ask('message', { room, msg: 'one for you' });
    await carol.ask('message', { room, msg: 'two for you' });
    for (const tab of [first, second]) await conversationButton(tab.page, 'room', room).locator('.badge', { hasText: '2' }).waitFor();

    // Read in the first tab: the second one's badge goes too.
    await conversationButton(first.page, 'room', room).click();
    await message(first.page, 'two for you').waitFor();
    await conversationButton(second.page, 'room', room).locator('.badge').waitFor({ state: 'detached' });

    // One more, then a reload of the second tab: the count is the server's, not the page's memory.
    await conversationButton(first.page, 'room', 'General').click();
    await waitCurrent(first.page, 'room', 'General');
    await carol.ask('message', { room, msg: 'three for you' });
    await conversationButton(second.page, 'room', room).locator('.badge', { hasText: '1' }).waitFor();
    await second.page.reload();
    await conversationButton(second.page, 'room', room).locator('.badge', { hasText: '1' }).waitFor();
    expect(await conversationButton(second.page, 'room', 'General').locator('.badge').count()).toBe(0);
  });

  it('draws a "New messages" line above the first message that was unread when the room is opened', async () => {
    const room = 'The Nerd Nook';
    const alice = await open();
    await conversationButton(alice.page, 'room', room).click();
    await waitCurrent(alice.page, 'room', room);
    const carol = await person(room);
    await carol.ask('message', { room, msg: 'already seen' });
    await message(alice.page, 'already seen').waitFor();
    await conversationButton(alice.page, 'room', 'General').click();
    await waitCurrent(alice.page, 'room', 'General');

    await carol.ask('message', { room, msg: 'first unread' });
    await carol.ask('message', { room, msg: 'second unread' });
    await conversationButton(alice.page, 'room', room).locator('.badge', { hasText: '2' }).waitFor();
    await conversationButton(alice.page, 'room', room).click();
    const line = alice.page.locator('#messages li.msg.first-unread');
    await line.locator('.unread-line', { hasText: 'New messages' }).waitFor();
    expect(await line.locator('.text').textContent()).toBe('first unread');
    expect(await alice.page.locator('#messages .unread-line').count()).toBe(1);

    // Read now (the server has it): opened again later, the room has no line.
    await alice.page.waitForFunction((name) => {
      const room = (globalThis as unknown as Chat).__chat?.state.knownRoom(name);
      return room !== undefined && room.maxSeq > 0 && room.readSeq === room.maxSeq;
    }, room);
    await conversationButton(alice.page, 'room', 'General').click();
    await waitCurrent(alice.page, 'room', 'General');
    await conversationButton(alice.page, 'room', room).click();
    await waitCurrent(alice.page, 'room', room);
    await message(alice.page, 'second unread').waitFor();
    expect(await alice.page.locator('#messages .unread-line').count()).toBe(0);
  });
});
