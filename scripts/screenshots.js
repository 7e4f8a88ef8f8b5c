/**
 * Pictures for the README: starts the built server (dist/) on a free port with a throw-away data
 * directory, plays a short scripted conversation between three people in Debian's Chromium (accounts,
 * an emoji from the picker, a shared image, reactions, edits, a reply, typing dots, rooms and a private
 * message), and writes
 *   docs/screenshots/chat.png    the page on a laptop (1280×800)
 *   docs/screenshots/mobile.png  the page on a phone (390×844)
 *   docs/demo.gif                a short recording of one participant's screen (Chromium's screencast → ffmpeg)
 *
 * The recording uses the DevTools screencast (what Playwright's recordVideo uses underneath) and
 * Debian's ffmpeg, because recordVideo would need Playwright's own downloaded ffmpeg build.
 *
 * Usage: npm run build && node scripts/screenshots.js   (needs `chromium` and `ffmpeg` from apt)
 */
/* global document, getComputedStyle -- only inside functions that run in the page */
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { Buffer } = require('node:buffer');
const { setTimeout: delay } = require('node:timers/promises');
const { chromium } = require('playwright-core');
const { CHROMIUM_PATH, CHROMIUM_ARGS } = require('./chromium');

const ROOT = path.join(__dirname, '..');
const SHOTS = path.join(ROOT, 'docs', 'screenshots');
const GIF = path.join(ROOT, 'docs', 'demo.gif');
const MAX_GIF_BYTES = 2 * 1024 * 1024;

const freePort = () =>
  new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

const get = (url) =>
  new Promise((resolve) => {
    const request = http.get(url, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('error', () => resolve(0));
    request.setTimeout(1000, () => request.destroy());
  });

const waitReady = async (url, server) => {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited with code ${server.exitCode}`);
    if ((await get(`${url}/ready`)) === 200) return;
    await delay(150);
  }
  throw new Error(`the server at ${url} did not become ready`);
};

const startServer = async () => {
  const main = path.join(ROOT, 'dist', 'main.js');
  if (!fs.existsSync(main)) throw new Error('dist/main.js is missing: run `npm run build` first');
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nest-chat-screenshots-'));
  const server = spawn(process.execPath, [main], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      EVENT_STORE: 'sqlite',
      SECRET_KEY: `screenshots-${Date.now()}-${Math.random().toString(36).slice(2)}`,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, server);
  return {
    url,
    stop: async () => {
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGTERM');
        await Promise.race([exited, delay(5000)]);
        if (server.exitCode === null) server.kill('SIGKILL');
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
};

/** One person: a browser context of their own on the chat page, connected and caught up. */
const person = async (browser, url, options) => {
  const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/London', colorScheme: 'light', ...options });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  await page.goto(url);
  await connected(page);
  const name = await page.locator('#welcome strong').textContent();
  return { context, page, name };
};

const connected = (page) =>
  page.waitForFunction(() => document.querySelector('#conn')?.dataset.state === 'connected' && document.querySelector('#welcome strong'));

/** Creates an account from the header's dialog (typing visibly when `slow`). */
const register = async (who, username, { slow = false } = {}) => {
  const { page } = who;
  // On a phone the header has room for "Sign in" only; the dialog switches to "Create account".
  if (await page.locator('#register-button').isVisible()) await page.locator('#register-button').click();
  else {
    await page.locator('#sign-in-button').click();
    await page.locator('#account-switch').click();
  }
  const dialog = page.locator('#account-dialog');
  await dialog.waitFor();
  if (slow) await delay(500);
  await page.locator('#account-username').pressSequentially(username, { delay: slow ? 70 : 0 });
  await page.locator('#account-password').pressSequentially('a long pass phrase', { delay: slow ? 25 : 0 });
  if (slow) await delay(350);
  await page.locator('#account-submit').click();
  await page.locator('#welcome', { hasText: `Signed in as ${username}` }).waitFor();
  who.name = username;
};

/** Sends at once (the people whose screens are not recorded). */
const say = async ({ page }, text) => {
  const input = page.locator('#composer-input');
  await input.fill(text);
  await input.press('Enter');
  await page.waitForFunction(() => document.querySelector('#composer-input').value === '');
};

/** Types like a person (the recorded screen); Enter sends unless `send` is false. */
const type = async ({ page }, text, { send = true } = {}) => {
  const input = page.locator('#composer-input');
  await input.click();
  await page.keyboard.type(text, { delay: 28 });
  if (!send) return;
  await delay(250);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#composer-input').value === '');
};

/** Picks an emoji from the picker by searching for it. */
const pickEmoji = async ({ page }, search, { slow = false } = {}) => {
  await page.locator('#picker-search').waitFor();
  if (slow) await delay(400);
  await page.keyboard.type(search, { delay: slow ? 60 : 0 });
  if (slow) await delay(450);
  await page.keyboard.press('Enter');
  await page.locator('#emoji-picker').waitFor({ state: 'hidden' });
};

/** Reacts to the message containing `text` through its "Add reaction" button. */
const react = async (who, text, search, options) => {
  const target = who.page.locator('#messages li.msg').filter({ hasText: text }).last();
  await target.hover();
  if (options?.slow) await delay(400);
  await target.locator('.actions [data-action="react"]').click();
  await pickEmoji(who, search, options);
};

/** Replies to the message containing `text` through its Reply button: the answer carries a quote of it. */
const reply = async (who, text, answer) => {
  const target = who.page.locator('#messages li.msg').filter({ hasText: text }).last();
  await target.hover();
  await target.getByRole('button', { name: 'Reply', exact: true }).click();
  await say(who, answer);
};

/** Shares a file through the attach button's file input, with a caption. */
const share = async (who, file, caption) => {
  await who.page.locator('#file-input').setInputFiles(file);
  await who.page
    .locator('#attachment-tray')
    .getByText(/Ready to send/)
    .waitFor();
  await say(who, caption);
};

/** The message actions have faded out (they follow the pointer and keyboard focus). */
const settled = (page) =>
  page.waitForFunction(() => [...document.querySelectorAll('#messages .actions')].every((node) => getComputedStyle(node).opacity === '0'));

const sees = ({ page }, text) => page.locator('#messages .msg .text').getByText(text, { exact: true }).waitFor();

const open = async ({ page }, kind, name) => {
  const list = kind === 'room' ? '#room-list' : '#dm-list';
  await page
    .locator(`${list} button.conv`)
    .filter({ has: page.locator('.conv-name').getByText(name, { exact: true }) })
    .click();
  await page.locator('#conv-title .conv-title-name').getByText(name, { exact: true }).waitFor();
};

/** A picture to share: a small release dashboard, drawn in its own page and photographed. */
const dashboard = async (browser) => {
  const page = await browser.newPage({ viewport: { width: 560, height: 340 }, deviceScaleFactor: 1 });
  const bars = [38, 52, 47, 61, 58, 72, 69, 84, 80, 93, 88, 97];
  await page.setContent(`<!doctype html><html><body style="margin:0;font-family:Inter,sans-serif">
    <div style="width:560px;height:340px;box-sizing:border-box;padding:26px 30px;color:#fff;
      background:linear-gradient(135deg,#312e81 0%,#4f46e5 55%,#0e7490 100%)">
      <div style="font-size:14px;letter-spacing:.08em;text-transform:uppercase;opacity:.8">nest-chat · release 1.0</div>
      <div style="font-size:30px;font-weight:700;margin-top:6px">Messages per second</div>
      <div style="display:flex;align-items:flex-end;gap:10px;height:170px;margin-top:26px">
        ${bars.map((h) => `<div style="flex:1;height:${h}%;border-radius:6px 6px 2px 2px;background:rgba(255,255,255,${0.35 + h / 200})"></div>`).join('')}
      </div>
      <div style="display:flex;justify-content:space-between;margin-top:12px;font-size:13px;opacity:.85">
        <span>p95 latency 4 ms</span><span>0 messages lost</span><span>3 nodes</span>
      </div>
    </div></body></html>`);
  const buffer = await page.screenshot({ type: 'png' });
  await page.close();
  return { name: 'release-dashboard.png', mimeType: 'image/png', buffer };
};

/** Records the page's screen: a frame each time it changes, with its time. */
const record = async (page) => {
  const cdp = await page.context().newCDPSession(page);
  const frames = [];
  cdp.on('Page.screencastFrame', ({ data, sessionId, metadata }) => {
    frames.push({ jpeg: Buffer.from(data, 'base64'), time: metadata.timestamp });
    cdp.send('Page.screencastFrameAck', { sessionId }).catch(() => undefined);
  });
  await cdp.send('Page.startScreencast', { format: 'jpeg', quality: 92, everyNthFrame: 1 });
  return async () => {
    await cdp.send('Page.stopScreencast');
    await cdp.detach();
    return frames;
  };
};

/** The frames as a concat list for ffmpeg, each shown until the next one came (the last for 2 s). */
const writeFrames = (frames, dir) => {
  const lines = [];
  frames.forEach((frame, i) => {
    const file = path.join(dir, `frame-${String(i).padStart(5, '0')}.jpg`);
    fs.writeFileSync(file, frame.jpeg);
    const next = frames[i + 1];
    lines.push(`file '${file}'`, `duration ${next !== undefined ? Math.max(0.01, next.time - frame.time).toFixed(3) : '2.000'}`);
  });
  // The concat demuxer ignores the last duration unless the file is listed once more.
  lines.push(lines[lines.length - 2]);
  const list = path.join(dir, 'frames.txt');
  fs.writeFileSync(list, `${lines.join('\n')}\n`);
  return list;
};

const gif = (list) => {
  const attempts = [
    { fps: 10, width: 800, colours: 128 },
    { fps: 8, width: 800, colours: 96 },
    { fps: 6, width: 720, colours: 64 },
  ];
  for (const { fps, width, colours } of attempts) {
    const filter =
      `fps=${fps},scale=${width}:-1:flags=lanczos,split[a][b];` +
      `[a]palettegen=max_colors=${colours}:stats_mode=diff[p];[b][p]paletteuse=dither=bayer:bayer_scale=5:diff_mode=rectangle`;
    execFileSync('ffmpeg', ['-y', '-loglevel', 'error', '-f', 'concat', '-safe', '0', '-i', list, '-vf', filter, '-loop', '0', GIF], {
      stdio: 'inherit',
    });
    const size = fs.statSync(GIF).size;
    console.log(`docs/demo.gif: ${(size / 1024).toFixed(0)} KiB at ${fps} fps, ${width} px wide`);
    if (size <= MAX_GIF_BYTES) return;
  }
  throw new Error('docs/demo.gif stays above 2 MiB');
};

const main = async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  const videoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nest-chat-video-'));
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    // Two people are already there (with accounts); the third one's screen is recorded from the moment they arrive.
    const bea = await person(browser, server.url, { viewport: { width: 1280, height: 800 } });
    const cal = await person(browser, server.url, { viewport: { width: 390, height: 844 } });
    await register(bea, 'Bianca');
    await register(cal, 'Calvin');
    await say(bea, 'Morning! :coffee: Anyone else trying the new chat server today?');
    await say(cal, 'Me! Reloaded three times and I am still the same guest 😄');
    await say(bea, 'Sessions are signed cookies, so a reload keeps your name.');
    // An edit, made the way people do it: ↑ in the empty box, then Enter.
    await bea.page.locator('#composer-input').focus();
    await bea.page.keyboard.press('ArrowUp');
    await bea.page
      .locator('.edit-input')
      .fill('Sessions are signed cookies, so a reload keeps your name. Create an account to keep it everywhere.');
    await bea.page.keyboard.press('Enter');
    await cal.page.locator('#messages .edited').waitFor();
    await share(cal, await dashboard(browser), 'Load test from last night 📈');
    await react(bea, 'Load test from last night', 'fire');
    await react(bea, 'Morning!', 'wave');

    const size = { width: 1024, height: 640 };
    const ada = await person(browser, server.url, { viewport: size });
    const stopRecording = await record(ada.page);
    await sees(ada, 'Load test from last night 📈');
    await delay(1100);
    await register(ada, 'Ada', { slow: true });
    await delay(700);

    // A message with an emoji from the picker.
    await type(ada, 'Hi both ', { send: false });
    await ada.page.locator('#emoji-button').click();
    await pickEmoji(ada, 'wave', { slow: true });
    await type(ada, ' just joined. Are those numbers real?');
    await sees(bea, 'Hi both 👋 just joined. Are those numbers real?');

    // Calvin answers; Ada sees him typing first.
    await cal.page.locator('#composer-input').pressSequentially('Real', { delay: 60 });
    await ada.page.locator('#typing', { hasText: 'Calvin is typing' }).waitFor();
    await delay(1300);
    await reply(cal, 'Are those numbers real?', 'Real! Three nodes, and the typing dots are new too :tada:');
    await delay(900);

    // A reaction, and a second one from someone else to the same emoji.
    await react(ada, 'Load test from last night', 'fire', { slow: true });
    await delay(700);
    await react(cal, 'Real! Three nodes', 'tada');
    await react(ada, 'Real! Three nodes', 'tada', { slow: true });
    await delay(900);

    // Something happens in another room: an unread count appears there.
    await open(bea, 'room', 'Code with Josh');
    await say(bea, 'Pushed the browser specs: all of them run in real Chromium.');
    await say(bea, 'Reviews welcome!');
    await open(bea, 'room', 'General');
    await delay(1000);
    await open(ada, 'room', 'Code with Josh');
    await sees(ada, 'Reviews welcome!');
    await delay(600);
    await type(ada, 'On it. The reconect one is my favourite.');
    await delay(500);
    // A typo: ↑ edits the last message in place.
    await ada.page.keyboard.press('ArrowUp');
    await ada.page.locator('.edit-input').waitFor();
    await delay(400);
    await ada.page.keyboard.press('End');
    for (let i = 0; i < 'nect one is my favourite.'.length; i++) await ada.page.keyboard.press('ArrowLeft');
    await ada.page.keyboard.type('n', { delay: 80 });
    await delay(350);
    await ada.page.keyboard.press('Enter');
    await ada.page.locator('#messages .edited').waitFor();
    await delay(900);

    // A private message: listed like a room, with its own unread count.
    await say(cal, '@Ada coffee after the stand-up?');
    await delay(1200);
    await open(ada, 'dm', 'Calvin');
    await delay(400);
    await type(ada, 'Absolutely, see you at 11 ☕️');
    await delay(600);
    await open(ada, 'room', 'General');
    await delay(1500);
    const frames = await stopRecording();

    // The laptop picture: Bianca's screen in General, with unread counts elsewhere and Ada typing.
    await say(cal, '@Bianca loved the demo, thanks!');
    await bea.page.locator('#dm-list .badge').waitFor();
    await ada.page.locator('#composer-input').pressSequentially('Same here', { delay: 20 });
    await bea.page.locator('#typing', { hasText: 'Ada is typing' }).waitFor();
    await cal.page.locator('#typing', { hasText: 'Ada is typing' }).waitFor();
    // Nobody is pointing at or focused on a message in the pictures.
    await bea.page.mouse.move(0, 0);
    await bea.page.evaluate(() => document.activeElement?.blur());
    await settled(bea.page);
    await bea.page.screenshot({ path: path.join(SHOTS, 'chat.png') });
    console.log('docs/screenshots/chat.png');

    // The phone picture: Calvin's screen in General, drawer closed.
    await cal.page.mouse.move(0, 0);
    await cal.page.evaluate(() => document.activeElement?.blur());
    await settled(cal.page);
    await cal.page.screenshot({ path: path.join(SHOTS, 'mobile.png') });
    console.log('docs/screenshots/mobile.png');

    await ada.context.close();
    gif(writeFrames(frames, videoDir));
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(videoDir, { recursive: true, force: true });
  }
};

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
