import { messageWith, send, pageSuite, type PageGlobals } from '../support/browser';
import { DOTS_PNG } from '../support/png';

jest.setTimeout(30_000);

describe('the chat page: sharing files', () => {
  const suite = pageSuite();
  const { open } = suite;

  it('shares an image between two people: the other sees the preview and it loads; refused files say why', async () => {
    const [alice, bob] = await Promise.all([open(), open()]);
    const { page } = alice;

    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Attach a file' }).click()]);
    await chooser.setFiles({ name: 'dots.png', mimeType: 'image/png', buffer: DOTS_PNG });
    await page
      .locator('#attachment-tray', { hasText: 'dots.png' })
      .getByText(/Ready to send/)
      .waitFor();
    await send(page, 'the new logo');
    await page.locator('#attachment-tray').waitFor({ state: 'hidden' });

    const shared = messageWith(bob.page, 'the new logo');
    const image = shared.getByRole('img', { name: 'dots.png' });
    await image.waitFor();
    const src = (await image.getAttribute('src')) ?? '';
    expect(src).toMatch(/^\/api\/files\/[^/]+$/);
    expect(await shared.locator('a.attachment').getAttribute('href')).toBe(src);
    await bob.page.waitForFunction((selector) => {
      const node = (globalThis as unknown as PageGlobals).document.querySelector(selector);
      const img = node as unknown as { complete: boolean; naturalWidth: number } | null;
      return img !== null && img.complete && img.naturalWidth === 12;
    }, `#messages li.msg[data-id] img[src="${src}"]`);
    await messageWith(page, 'the new logo').getByRole('img', { name: 'dots.png' }).waitFor();

    // A plain text file is a download link with its name and size; no text needed with a file.
    await page
      .locator('#file-input')
      .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('remember the milk\n') });
    await page
      .locator('#attachment-tray')
      .getByText(/Ready to send/)
      .waitFor();
    await page.getByRole('button', { name: 'Send message' }).click();
    const download = bob.page.locator('#messages a.attachment.file', { hasText: 'notes.txt' });
    await download.waitFor();
    expect(await download.getAttribute('download')).toBe('notes.txt');
    expect(await download.textContent()).toContain('Text · 18 bytes');

    // An HTML page dressed up as a picture is refused, and the page says so next to the box.
    await page
      .locator('#file-input')
      .setInputFiles({ name: 'cat.png', mimeType: 'image/png', buffer: Buffer.from('<html><script>alert(1)</script>') });
    await page.locator('#composer-error', { hasText: 'cat.png cannot be shared' }).waitFor();
    await page.locator('#attachment-tray').waitFor({ state: 'hidden' });
  });
});
