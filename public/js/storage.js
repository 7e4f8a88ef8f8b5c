/**
 * Everything the page keeps in the browser. sessionStorage (this tab, across reloads): the rooms it
 * is in, its private conversations, the open conversation and the names the session had before
 * registering, each saved with the name it belongs to. localStorage: the recently picked emoji.
 * Storage may be full or disabled: reads then find nothing and writes are skipped.
 */
const ROOMS = 'nest-chat:rooms';
const DMS = 'nest-chat:dms';
const CURRENT = 'nest-chat:current';
/** The names this session had before registering (their messages stay the user's). */
const ALIASES = 'nest-chat:aliases';
const RECENT_EMOJI = 'nest-chat:recent-emoji';

const readText = (area, key) => {
  try {
    return window[area].getItem(key);
  } catch {
    return null;
  }
};

/** The parsed value, or null when there is none (or it cannot be read). */
const readJson = (area, key) => {
  try {
    return JSON.parse(window[area].getItem(key) ?? 'null');
  } catch {
    return null;
  }
};

const write = (area, key, text) => {
  try {
    window[area].setItem(key, text());
  } catch {
    // Only a convenience for reloads.
  }
};

/** The rooms this tab is in: a reload slower than the server's grace period still finds them again. */
export const saveRooms = (me, rooms) => write('sessionStorage', ROOMS, () => JSON.stringify({ me, rooms }));

/** The room names saved for `me`, or an empty list. */
export const savedRooms = (me) => {
  const saved = readJson('sessionStorage', ROOMS);
  if (saved?.me !== me || !Array.isArray(saved.rooms)) return [];
  return saved.rooms.filter((name) => typeof name === 'string');
};

/** Which private conversations are open, with their unread counts (see Conversation#toJSON). */
export const saveDms = (me, conversations) => write('sessionStorage', DMS, () => JSON.stringify({ me, conversations }));

/** The private conversations saved for `me` ([{ name, unread }]), or null when there is no such list. */
export const savedDms = (me) => {
  const saved = readJson('sessionStorage', DMS);
  if (saved?.me !== me || !Array.isArray(saved.conversations)) return null;
  return saved.conversations.filter((stored) => typeof stored?.name === 'string');
};

export const saveAliases = (me, aliases) => write('sessionStorage', ALIASES, () => JSON.stringify({ me, aliases: [...aliases] }));

/** The earlier names saved for `me`, or null. */
export const savedAliases = (me) => {
  const saved = readJson('sessionStorage', ALIASES);
  if (saved?.me !== me || !Array.isArray(saved.aliases)) return null;
  return saved.aliases.filter((name) => typeof name === 'string' && name !== me);
};

export const saveCurrent = (key) => write('sessionStorage', CURRENT, () => key);

/** The key of the conversation open before a reload, or null. */
export const savedCurrent = () => readText('sessionStorage', CURRENT);

/** Someone else now: nothing of the previous identity is kept. */
export const forgetSession = () => {
  try {
    for (const key of [DMS, ALIASES, CURRENT, ROOMS]) window.sessionStorage.removeItem(key);
  } catch {
    // Storage may be disabled; nothing to forget then.
  }
};

/** The recently picked emoji as saved (not checked), or null. */
export const savedRecentEmoji = () => readJson('localStorage', RECENT_EMOJI);

export const saveRecentEmoji = (emoji) => write('localStorage', RECENT_EMOJI, () => JSON.stringify(emoji));
