/**
 * Debian's Chromium, never a downloaded one (`.ci/run` installs it with apt-get), and the flags it
 * runs with headless: shared by the browser specs (test/support/browser.ts) and
 * scripts/screenshots.js.
 */

/** The Chromium executable: CHROMIUM_PATH, or Debian's. */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Headless, no sandbox (containers run as root), and nothing that reaches the network by itself. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-quic',
  '--no-first-run',
  '--disable-sync',
];

module.exports = { CHROMIUM_PATH, CHROMIUM_ARGS };
