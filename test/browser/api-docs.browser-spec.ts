import type { Browser } from 'playwright-core';
import { launchBrowser, WAIT_MS, type PageGlobals } from '../support/browser';
import { removeDataDir, startApp, type TestApp } from '../support/test-app';

// Swagger UI is 1.5 MB of script to parse; the machine may be busy.
jest.setTimeout(60_000);

describe('Swagger UI at /api/docs', () => {
  let server: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startApp(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (server !== undefined) removeDataDir(server.dataDir);
  });

  it('renders every operation under its Content-Security-Policy, with no violation or error', async () => {
    const doc = (await (await fetch(`${server.url}/api/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(doc.paths).reduce((count, item) => count + Object.keys(item).length, 0);
    const context = await browser.newContext();
    context.setDefaultTimeout(WAIT_MS);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    try {
      await page.goto(`${server.url}/api/docs`, { timeout: 30_000 });
      await page.locator('.swagger-ui .info .title').waitFor();
      await page.waitForFunction(
        (count) => (globalThis as unknown as PageGlobals).document.querySelectorAll('.swagger-ui .opblock').length === count,
        operations,
      );
      expect(await page.locator('.swagger-ui .info .title').textContent()).toContain('nest-chat');
      // The page's own inline styles apply: Swagger UI's stylesheet and the page's <style> block.
      expect(
        await page.evaluate(() => {
          const page = globalThis as unknown as PageGlobals;
          return page.getComputedStyle(page.document.querySelector('body')!).margin;
        }),
      ).toBe('0px');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
