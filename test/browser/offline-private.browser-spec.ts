import { conversationButton, message, pageSuite, waitCurrent } from '../support/browser';

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
  });
});
