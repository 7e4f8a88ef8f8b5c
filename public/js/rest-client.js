/**
 * The server's HTTP API, as the page uses it: every request to /api/… goes through here. Requests
 * carry the session cookie (same origin).
 */

/** GET `path` as JSON; a refusal throws an error with its HTTP `status`. */
const getJson = async (path) => {
  const response = await fetch(path, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
  if (!response.ok) {
    const error = new Error(`${path}: HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return response.json();
};

/** POST `body` as JSON; resolves with the status and the answer (null when it is not JSON), whatever the status. */
const postJson = async (path, body) => {
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    // An empty or non-JSON answer: the status says enough.
  }
  return { status: response.status, ok: response.ok, payload, retryAfter: Number(response.headers.get('retry-after')) || 0 };
};

const historyPath = (conversation, before) => {
  const base =
    conversation.kind === 'room'
      ? `/api/rooms/${encodeURIComponent(conversation.name)}/messages`
      : `/api/private/${encodeURIComponent(conversation.name)}/messages`;
  return before === undefined ? `${base}?limit=50` : `${base}?before=${encodeURIComponent(before)}&limit=50`;
};

/** `{ rooms: [{ name, members, visibility, topic, owner?, archived }] }` */
export const getRooms = () => getJson('/api/rooms');

/** `{ name, members: [names], visibility, topic, owner?, archived, role }`: a room, and the caller's role in it. */
export const getRoom = (name) => getJson(`/api/rooms/${encodeURIComponent(name)}`);

/** A page of a room's moderation events, oldest first, after the cursor `after` (moderators and admins). */
export const getAudit = (name, after = 0) => getJson(`/api/rooms/${encodeURIComponent(name)}/audit?after=${after}&limit=50`);

/** The room as it stood just after its message `at` (a seq), or now when absent (moderators and admins). */
export const getRoomState = (name, at) =>
  getJson(`/api/rooms/${encodeURIComponent(name)}/state${at === undefined ? '' : `?at=${encodeURIComponent(at)}`}`);

/** `{ users: [{ username, rooms }] }` */
export const getUsers = () => getJson('/api/users');

/** A page of a room's or a private conversation's messages (newest first): the newest, or the one before `before`. */
export const getHistory = (conversation, before) => getJson(historyPath(conversation, before));

/** `{ conversations: [{ with, last, unread }] }`: the user's private conversations, most recent first. */
export const getConversations = () => getJson('/api/private');

/** `{ rooms: [{ room, count, mentions, readSeq }], conversations: [{ with, count, mentions, readSeq }] }`: the user's unread counts. */
export const getUnread = () => getJson('/api/unread');

export const register = (credentials) => postJson('/api/auth/register', credentials);
export const logIn = (credentials) => postJson('/api/auth/login', credentials);
export const logOut = () => postJson('/api/auth/logout');

/** Where a shared file is downloaded (and an image shown) from. */
export const fileUrl = (fileId) => `/api/files/${encodeURIComponent(fileId)}`;

/**
 * POST /api/files with `file`, reporting progress in percent. `onDone` gets `{ status: 'ready', id }`,
 * `{ status: 'failed', httpStatus, body }` (httpStatus 0: no answer) or `{ status: 'cancelled' }`.
 * Returns the request, to abort it.
 */
export const uploadFile = (file, { onProgress, onDone }) => {
  const xhr = new window.XMLHttpRequest();
  xhr.open('POST', '/api/files');
  xhr.responseType = 'json';
  xhr.setRequestHeader('accept', 'application/json');
  xhr.upload.addEventListener('progress', (event) => {
    if (event.lengthComputable) onProgress(Math.round((event.loaded / event.total) * 100));
  });
  xhr.addEventListener('load', () => {
    if (xhr.status === 201 && typeof xhr.response?.id === 'string') onDone({ status: 'ready', id: xhr.response.id });
    else onDone({ status: 'failed', httpStatus: xhr.status, body: xhr.response });
  });
  xhr.addEventListener('error', () => onDone({ status: 'failed', httpStatus: 0, body: null }));
  xhr.addEventListener('abort', () => onDone({ status: 'cancelled' }));
  const form = new window.FormData();
  form.append('file', file, file.name);
  xhr.send(form);
  return xhr;
};
