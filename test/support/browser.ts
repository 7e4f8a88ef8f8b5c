import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium, never a downloaded one (`.ci/run` installs it with apt-get). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-quic',
  '--no-first-run',
  '--disable-sync',
];

export const launchBrowser = (): Promise<Browser> => chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });

/** How long any single wait in a browser spec may take before it fails. */
export const WAIT_MS = 8000;

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/**
 * The few DOM shapes the specs touch inside the page. The project's tsconfig has no DOM library,
 * so functions run in the page reach the page's globals through `globalThis as unknown as PageGlobals`.
 */
export interface PageElement {
  readonly textContent: string | null;
  readonly dataset: Record<string, string | undefined>;
  readonly scrollTop: number;
  readonly scrollHeight: number;
  readonly clientHeight: number;
  readonly scrollWidth: number;
  readonly clientWidth: number;
  readonly parentElement: PageElement | null;
  readonly children: ArrayLike<PageElement>;
  readonly childNodes: ArrayLike<{ readonly nodeType: number; readonly textContent: string | null }>;
  readonly tagName: string;
  readonly hidden: boolean;
  scrollTo(x: number, y: number): void;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  getBoundingClientRect(): { left: number; right: number; top: number; bottom: number; width: number; height: number };
}

export interface PageGlobals {
  readonly document: PageElement & {
    readonly documentElement: PageElement;
    readonly activeElement: PageElement | null;
    readonly title: string;
  };
  readonly innerWidth: number;
  getComputedStyle(element: PageElement, pseudo?: string): Record<string, string> & { getPropertyValue(name: string): string };
  readonly __chat?: { socket: { connected: boolean; io: { engine: { close(): void } } } };
}

export interface ChatPage {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly username: string;
  /** Every alert/confirm/prompt the page opened (the XSS specs want none). */
  readonly dialogs: string[];
  /** Uncaught exceptions in the page. */
  readonly pageErrors: string[];
  /** Console messages of type error (CSP violations show up here). */
  readonly consoleErrors: string[];
  close(): Promise<void>;
}

export interface OpenOptions {
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
  /** Open the page in this context instead of a new one (a second tab of the same user). */
  context?: BrowserContext;
}

/** A new browser context (a new person) on the chat page, connected and caught up. */
export const openChat = async (browser: Browser, url: string, options: OpenOptions = {}): Promise<ChatPage> => {
  const context =
    options.context ??
    (await browser.newContext({ viewport: options.viewport ?? DESKTOP, colorScheme: options.colorScheme ?? 'light', locale: 'en-GB' }));
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  await page.goto(url);
  await waitConnected(page);
  const welcome = await page.locator('#welcome strong').textContent();
  return {
    context,
    page,
    username: welcome ?? '',
    dialogs,
    pageErrors,
    consoleErrors,
    close: () => (options.context !== undefined ? page.close() : context.close()),
  };
};

/** Connected and every room caught up. */
export const waitConnected = async (page: Page): Promise<void> => {
  await page.waitForFunction(() => {
    const doc = (globalThis as unknown as PageGlobals).document;
    return doc.querySelector('#conn')?.dataset.state === 'connected' && doc.querySelector('#welcome strong') !== null;
  });
};

/** Types `text` into the message box and presses Enter; resolves once the box is empty (acknowledged). */
export const send = async (page: Page, text: string): Promise<void> => {
  const input = page.locator('#composer-input');
  await input.fill(text);
  await input.press('Enter');
  await page.waitForFunction(() => {
    const doc = (globalThis as unknown as PageGlobals).document;
    return (doc.querySelector('#composer-input') as unknown as { value: string }).value === '';
  });
};

export const messageTexts = (page: Page): Promise<string[]> => page.locator('#messages .msg .text').allTextContents();

/** Waits until the texts of `selector` are exactly `expected`, then asserts it (for a readable diff on failure). */
export const expectTexts = async (page: Page, selector: string, expected: string[]): Promise<void> => {
  await page
    .waitForFunction(
      ([sel, want]) => {
        const nodes = (globalThis as unknown as PageGlobals).document.querySelectorAll(sel);
        const got = Array.from(nodes, (node) => node.textContent ?? '');
        return JSON.stringify(got) === JSON.stringify(want);
      },
      [selector, expected] as const,
    )
    .catch(() => undefined);
  expect(await page.locator(selector).allTextContents()).toEqual(expected);
};

/** The message whose text is exactly `text` in the open conversation. */
export const message = (page: Page, text: string) =>
  page.locator('#messages .msg').filter({ has: page.locator('.text').getByText(text, { exact: true }) });

/** The sidebar button of a room or a private conversation. */
export const conversationButton = (page: Page, kind: 'room' | 'dm', name: string) =>
  page
    .locator(`#${kind === 'room' ? 'room-list' : 'dm-list'} button.conv`)
    .filter({ has: page.locator('.conv-name').getByText(name, { exact: true }) });

/** Waits until the open conversation is `name`. */
export const waitCurrent = async (page: Page, kind: 'room' | 'dm', name: string): Promise<void> => {
  // Attached, not visible: on a phone the sidebar is a closed drawer.
  await conversationButton(page, kind, name).and(page.locator('[aria-current="page"]')).waitFor({ state: 'attached' });
  await page.locator('#conv-title .conv-title-name').getByText(name, { exact: true }).waitFor();
};
