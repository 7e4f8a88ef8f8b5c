const clock = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dayAndClock = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });

const sameDay = (a, b) => a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();

/** "14:05" today, "12 Mar, 14:05" before; the full date for a tooltip. In the reader's time zone. */
export const formatTime = (iso) => {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return { short: '', long: '' };
  return { short: sameDay(date, new Date()) ? clock.format(date) : dayAndClock.format(date), long: full.format(date) };
};

/** A stable colour slot (0–7) per name, so a person keeps their avatar colour everywhere. */
export const colourSlot = (name) => {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.codePointAt(0)) >>> 0;
  return hash % 8;
};

/** "Guest4821" → "21" (guests differ in their digits), "ada lovelace" → "AL", "bob" → "BO". */
export const initials = (name) => {
  const guest = /^guest\d*(\d\d)$/i.exec(name.trim());
  if (guest !== null) return guest[1];
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length >= 2) return (first(words[0]) + first(words[1])).toUpperCase();
  const word = words[0] ?? '?';
  return (first(word) + (Array.from(word)[1] ?? '')).toUpperCase();
};

const first = (word) => Array.from(word)[0] ?? '';

/** Shortens a message for the screen-reader announcement. */
export const excerpt = (text, max = 140) => {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('');
};

/** 2048 → "2 KB", 1536000 → "1.5 MB". */
export const formatSize = (bytes) => {
  const size = Number(bytes) || 0;
  if (size < 1024) return `${size} ${size === 1 ? 'byte' : 'bytes'}`;
  const units = ['KB', 'MB', 'GB'];
  let value = size / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 ? Math.round(value) : Math.round(value * 10) / 10} ${units[unit]}`;
};

/** "Ada", "Ada and Bob", "Ada, Bob and Cy". */
export const listNames = (names) =>
  names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;

/** When a ban or mute ends, as the reader's clock says it ("14:05", or "12 Mar, 14:05" on another day). */
export const untilText = (iso) => formatTime(iso).short;

/**
 * A server's refusal as the page tells it: how long to wait under slow mode, until when a mute or a
 * ban lasts; otherwise the server's own words (or `fallback` when it gave none).
 */
export const refusalText = (error, fallback = 'The server refused that.') => {
  if (typeof error?.message !== 'string') return fallback;
  if (error.code === 'slow_mode' && Number.isFinite(error.retryAfterMs)) {
    return `Slow mode is on: you can send again in ${Math.max(1, Math.ceil(error.retryAfterMs / 1000))} s.`;
  }
  if (error.code === 'muted' || error.code === 'banned') {
    return `${error.message}${typeof error.until === 'string' ? ` until ${untilText(error.until)}` : ''}.`;
  }
  return error.message;
};
