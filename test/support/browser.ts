import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium';
import type { TestSocket } from './socket';
import { removeDataDir, startApp, type TestApp } from './test-app';

/** Debian's Chromium, headless, with the flags scripts/screenshots.js uses too. */
export const launchBrowser = (): Promise<Browser> => chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });

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
  /** A touch screen (taps, no hover), as on a phone. */
  touch?: boolean;
  /** Where on the server to open the page (an invite link's `/?room=…&invite=…`); `/` when absent. */
  path?: string;
}

/** A new browser context (a new person) on the chat page, connected and caught up. */
export const openChat = async (browser: Browser, url: string, options: OpenOptions = {}): Promise<ChatPage> => {
  const context =
    options.context ??
    (await browser.newContext({
      viewport: options.viewport ?? DESKTOP,
      colorScheme: options.colorScheme ?? 'light',
      locale: 'en-GB',
      ...(options.touch === true ? { hasTouch: true, isMobile: true } : {}),
    }));
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
  await page.goto(options.path === undefined ? url : new URL(options.path, url).href);
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

/** A message in the open conversation, by (part of) its text. */
export const messageWith = (page: Page, text: string) => page.locator('#messages li.msg').filter({ hasText: text });

/** The reaction chip of `emoji` under the message containing `text`. */
export const chip = (page: Page, text: string, emoji: string) => messageWith(page, text).locator(`.reaction[data-emoji="${emoji}"]`);

/** The names in the online list. */
export const userList = (page: Page): Promise<string[]> => page.locator('#user-list .user-name').allTextContents();

/** The id of what has focus. */
export const activeId = (page: Page): Promise<string | null | undefined> =>
  page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.getAttribute('id'));

/** How wide the page's content is: wider than the viewport means it scrolls sideways. */
export const scrollWidth = (page: Page): Promise<number> =>
  page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.scrollWidth);

/** The accessible label (or id) of what has focus. */
export const focused = (page: Page): Promise<string | null | undefined> =>
  page.evaluate(() => {
    const active = (globalThis as unknown as PageGlobals).document.activeElement;
    return active?.getAttribute('aria-label') ?? active?.getAttribute('id') ?? active?.textContent;
  });

export interface ContrastFailure {
  text: string;
  colour: string;
  background: string;
  ratio: number;
  needed: number;
}

/**
 * Every visible piece of text on the page (and the message box's placeholder) against the colour
 * actually behind it, composited through translucent ancestors: the WCAG AA ratios, 4.5:1 for body
 * text and 3:1 for large text.
 */
export const contrastFailures = (page: Page, within = 'body'): Promise<ContrastFailure[]> =>
  page.evaluate((rootSelector) => {
    const win = globalThis as unknown as PageGlobals & { document: { querySelector(s: string): PageElement | null } };
    type Rgba = [number, number, number, number];
    const parse = (value: string): Rgba => {
      const match = /rgba?\(([^)]+)\)/.exec(value);
      if (match === null) return [0, 0, 0, 0];
      const parts = match[1]!
        .split(/[\s,/]+/)
        .filter(Boolean)
        .map(Number);
      return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0, parts[3] ?? 1];
    };
    const over = (top: Rgba, bottom: Rgba): Rgba => {
      const alpha = top[3] + bottom[3] * (1 - top[3]);
      if (alpha === 0) return [0, 0, 0, 0];
      const mix = (i: number): number => (top[i]! * top[3] + bottom[i]! * bottom[3] * (1 - top[3])) / alpha;
      return [mix(0), mix(1), mix(2), alpha];
    };
    const backgroundOf = (element: PageElement | null): Rgba => {
      const layers: Rgba[] = [];
      for (let node = element; node !== null; node = node.parentElement) {
        const layer = parse(win.getComputedStyle(node).backgroundColor ?? '');
        if (layer[3] > 0) layers.push(layer);
        if (layer[3] >= 1) break;
      }
      let colour: Rgba = [255, 255, 255, 1];
      for (const layer of layers.reverse()) colour = over(layer, colour);
      return colour;
    };
    const luminance = ([r, g, b]: Rgba): number => {
      const channel = (v: number): number => {
        const s = v / 255;
        return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const ratio = (a: Rgba, b: Rgba): number => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
      return (hi + 0.05) / (lo + 0.05);
    };
    const failures: { text: string; colour: string; background: string; ratio: number; needed: number }[] = [];
    const check = (element: PageElement, text: string, colourValue: string): void => {
      const style = win.getComputedStyle(element);
      const background = backgroundOf(element);
      const colour = over(parse(colourValue), background);
      const size = parseFloat(style.fontSize ?? '16');
      const bold = Number(style.fontWeight) >= 700;
      const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
      const value = ratio(colour, background);
      if (value < needed) {
        failures.push({
          text: text.slice(0, 40),
          colour: colourValue,
          background: `rgb(${background.slice(0, 3).map(Math.round).join(',')})`,
          ratio: Math.round(value * 100) / 100,
          needed,
        });
      }
    };
    const root = win.document.querySelector(rootSelector);
    const all = root === null ? [] : Array.from(root.querySelectorAll('*'));
    for (const element of all) {
      const own = Array.from(element.childNodes)
        .filter((node) => node.nodeType === 3)
        .map((node) => node.textContent ?? '')
        .join('')
        .trim();
      if (own === '') continue;
      const box = element.getBoundingClientRect();
      const style = win.getComputedStyle(element);
      if (
        box.width <= 1 ||
        box.height <= 1 ||
        style.visibility !== 'visible' ||
        (element as unknown as { checkVisibility(): boolean }).checkVisibility() !== true
      )
        continue;
      check(element, own, style.color ?? '');
    }
    const input = win.document.querySelector('#composer-input');
    if (input !== null && root?.querySelector('#composer-input') !== null)
      check(input, 'placeholder', win.getComputedStyle(input, '::placeholder').color ?? '');
    return failures;
  }, within);

export interface PageSuite {
  readonly server: TestApp;
  readonly browser: Browser;
  /** A chat page in a fresh browser context, closed (and checked) after the test. */
  open(options?: OpenOptions): Promise<ChatPage>;
  /** Someone on a plain Socket.IO client who joined `room`, disconnected after the test. */
  person(room?: string): Promise<TestSocket>;
}

/**
 * A real server and a real Chromium for a spec file. After each test every page it opened is
 * closed and must have had no page error, no dialog (an XSS would raise one) and no CSP violation.
 */
export const pageSuite = (env: Record<string, string> = {}): PageSuite => {
  let server: TestApp | undefined;
  let browser: Browser | undefined;
  const pages: ChatPage[] = [];
  const sockets: TestSocket[] = [];
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the page suite has not started');
    return value;
  };

  beforeAll(async () => {
    // Each assigned as soon as it is up, so afterAll closes it even when the other fails to start.
    await Promise.all([
      startApp({ PRESENCE_GRACE_MS: '150', ...env }).then((started) => (server = started)),
      launchBrowser().then((launched) => (browser = launched)),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (server !== undefined) removeDataDir(server.dataDir);
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    const opened = pages.splice(0);
    await Promise.all(opened.map((chat) => chat.close()));
    for (const chat of opened) {
      expect(chat.pageErrors).toEqual([]);
      expect(chat.dialogs).toEqual([]);
      expect(chat.consoleErrors.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);
    }
  });

  return {
    get server() {
      return ready(server);
    },
    get browser() {
      return ready(browser);
    },
    open: async (options = {}) => {
      const chat = await openChat(ready(browser), ready(server).url, options);
      pages.push(chat);
      return chat;
    },
    person: async (room = 'General') => {
      const socket = await ready(server).connect();
      sockets.push(socket);
      expect(await socket.ask('join', { room })).toMatchObject({ ok: true });
      return socket;
    },
  };
};
