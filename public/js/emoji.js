/**
 * Emoji from the emojibase data the server serves (the maintained `emojibase-data` package):
 * `:shortcode:` → emoji at render time (text only, never markup), and the list the picker shows.
 *
 *   /vendor/emojibase/shortcodes/github.json  hexcode → shortcode or [shortcodes]
 *   /vendor/emojibase/compact.json            [{ hexcode, unicode, label, group, order, tags }]
 *   /vendor/emojibase/messages.json           group names
 */
import { el } from './dom.js';
import { saveRecentEmoji, savedRecentEmoji } from './storage.js';

const BASE = '/vendor/emojibase';

const data = {
  ready: false,
  /** "tada" → "🎉" */
  byShortcode: new Map(),
  /** Every pickable emoji in the standard order: { unicode, label, group, shortcodes, search }. */
  list: [],
  /** [{ id, name }] in order, without "components". */
  groups: [],
};

let loading = null;
const listeners = new Set();

const fetchJson = async (path) => {
  const response = await fetch(`${BASE}/${path}`, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
};

const capitalise = (text) => text.charAt(0).toUpperCase() + text.slice(1);

/** Loads the data once; resolves with it (or rejects, and a later call tries again). */
export const loadEmoji = () => {
  loading ??= Promise.all([fetchJson('compact.json'), fetchJson('shortcodes/github.json'), fetchJson('messages.json')])
    .then(([compact, shortcodes, messages]) => {
      const groups = Array.isArray(messages?.groups) ? messages.groups : [];
      const componentGroup = groups.find((group) => group.key === 'component')?.order;
      data.groups = groups
        .filter((group) => group.order !== componentGroup)
        .sort((a, b) => a.order - b.order)
        .map((group) => ({ id: group.order, key: String(group.key), name: capitalise(String(group.message ?? group.key)) }));
      const list = [];
      for (const entry of Array.isArray(compact) ? compact : []) {
        if (typeof entry?.unicode !== 'string' || typeof entry.hexcode !== 'string') continue;
        const raw = shortcodes?.[entry.hexcode];
        const codes = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String);
        for (const code of codes) if (!data.byShortcode.has(code)) data.byShortcode.set(code, entry.unicode);
        if (typeof entry.group !== 'number' || entry.group === componentGroup) continue;
        const label = String(entry.label ?? '');
        const tags = Array.isArray(entry.tags) ? entry.tags.join(' ') : '';
        list.push({
          unicode: entry.unicode,
          label,
          group: entry.group,
          order: Number(entry.order) || 0,
          shortcodes: codes,
          name: label.toLowerCase(),
          codes: codes.join(' ').replaceAll('_', ' '),
          search: `${label} ${tags} ${codes.join(' ')}`.toLowerCase().replaceAll('_', ' '),
        });
      }
      data.list = list.sort((a, b) => a.order - b.order);
      data.ready = true;
      for (const listener of listeners) listener();
      return data;
    })
    .catch((error) => {
      loading = null;
      throw error;
    });
  return loading;
};

export const emojiData = () => data;

/** Called once the data is there (to re-render shortcodes that arrived before it). */
export const onEmojiReady = (listener) => listeners.add(listener);

const SHORTCODE = /:([a-z0-9_+-]+):/gi;

/** `"We did it :tada:"` → `"We did it 🎉"`; unknown shortcodes (and everything before the data loads) stay as typed. */
export const withEmoji = (text) =>
  data.ready && text.includes(':') ? text.replace(SHORTCODE, (whole, code) => data.byShortcode.get(code.toLowerCase()) ?? whole) : text;

/**
 * Emoji matching the query, best first: a shortcode that is the query, then names that start with
 * it, names that contain it, shortcodes, and last keywords; each in the standard order.
 */
export const searchEmoji = (query, limit) => {
  const words = query.split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const rank = (entry) => {
    if (entry.shortcodes.some((code) => code.replaceAll('_', ' ') === query)) return 0;
    if (entry.name.startsWith(query)) return 1;
    if (words.every((word) => entry.name.includes(word))) return 2;
    if (words.every((word) => entry.codes.includes(word))) return 3;
    return 4;
  };
  return data.list
    .filter((entry) => words.every((word) => entry.search.includes(word)))
    .map((entry) => ({ entry, rank: rank(entry) }))
    .sort((a, b) => a.rank - b.rank || a.entry.order - b.entry.order)
    .slice(0, limit)
    .map(({ entry }) => entry);
};

let emojiOnly = null;
let oneEmoji = null;
try {
  // The `v` flag's RGI_Emoji matches a whole emoji (flags, families, keycaps) as one.
  emojiOnly = new RegExp('^(?:\\p{RGI_Emoji}|\\s)+$', 'v');
  oneEmoji = new RegExp('\\p{RGI_Emoji}', 'gv');
} catch {
  // An older browser: no big emoji, nothing else changes.
}

/**
 * Text with each emoji in a span of its own (drawn with a colour emoji font even where the text
 * font has black-and-white pictures for some of them). Strings and spans with textContent only.
 */
export const emojiNodes = (text) => {
  if (oneEmoji === null || !/[\u0080-\uffff]/.test(text)) return [text];
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(oneEmoji)) {
    if (match.index > last) nodes.push(text.slice(last, match.index));
    nodes.push(el('span', { className: 'emoji', text: match[0] }));
    last = match.index + match[0].length;
  }
  if (last < text.length) nodes.push(text.slice(last));
  return nodes;
};

/** A message of one to three emoji and nothing else is shown large. */
export const isJumbo = (text) => {
  if (emojiOnly === null || text.length > 64 || !emojiOnly.test(text)) return false;
  const count = text.match(oneEmoji)?.length ?? 0;
  return count >= 1 && count <= 3;
};

/**
 * One spelling per emoji for reactions: emojibase writes some (👍) with a redundant U+FE0F, other
 * clients without it; both would count as different reactions.
 */
export const normaliseEmoji = (emoji) => {
  const chars = Array.from(emoji);
  return chars.length === 2 && chars[1] === '\uFE0F' && /\p{Emoji_Presentation}/u.test(chars[0]) ? chars[0] : emoji;
};

/** The most recently picked emoji, for the top of the picker. */
const DEFAULT_RECENT = ['👍', '❤️', '😂', '🎉', '😮', '🙏', '👀', '🔥'];

export const recentEmoji = () => {
  const saved = savedRecentEmoji();
  if (Array.isArray(saved) && saved.every((value) => typeof value === 'string') && saved.length > 0) return saved.slice(0, 16);
  return DEFAULT_RECENT;
};

export const rememberEmoji = (emoji) => saveRecentEmoji([emoji, ...recentEmoji().filter((value) => value !== emoji)].slice(0, 16));

/** The entry for one emoji (its label and shortcode for the picker's preview). */
export const describeEmoji = (unicode) => data.list.find((entry) => entry.unicode === unicode);
