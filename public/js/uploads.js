import { el, icon, setHidden } from './dom.js';
import { formatSize } from './format.js';
import { uploadFile } from './rest-client.js';

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** What the server's refusal means for the person who picked the file. */
const uploadError = (status, body, file) => {
  const code = body?.error?.code;
  if (status === 413 || code === 'file_too_large') {
    const limit = /(\d+) bytes/.exec(String(body?.error?.message ?? ''));
    return `${file.name} is too large to share${limit !== null ? `: files are limited to ${formatSize(Number(limit[1]))}` : ''}.`;
  }
  if (status === 415 || code === 'unsupported_type')
    return `${file.name} cannot be shared: only images (PNG, JPEG, GIF, WebP), PDF and plain text files are allowed.`;
  if (code === 'empty_file') return `${file.name} is empty.`;
  if (status === 429 || code === 'rate_limited') return 'Too many uploads at once. Wait a moment and try again.';
  if (typeof body?.error?.message === 'string') return body.error.message;
  return 'The upload failed. Check the connection and try again.';
};

/**
 * The file to send with the next message: picked with the attach button, dropped on the
 * conversation or pasted. It uploads at once (POST /api/files) while the person writes a caption;
 * the message then carries its `fileId`. One file per message.
 */
export class Attachments {
  constructor({ button, input, tray, dropZone, dropOverlay, onError, onChange }) {
    Object.assign(this, { button, input, tray, dropZone, dropOverlay, onError, onChange });
    this.pending = null;
    button.addEventListener('click', () => input.click());
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      input.value = '';
      if (file !== undefined) this.add(file);
    });
    let depth = 0;
    const hasFiles = (event) => Array.from(event.dataTransfer?.types ?? []).includes('Files');
    dropZone.addEventListener('dragenter', (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth++;
      setHidden(dropOverlay, false);
    });
    dropZone.addEventListener('dragover', (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    });
    dropZone.addEventListener('dragleave', () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setHidden(dropOverlay, true);
    });
    dropZone.addEventListener('drop', (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth = 0;
      setHidden(dropOverlay, true);
      const file = event.dataTransfer.files?.[0];
      if (file !== undefined) this.add(file);
    });
  }

  /** Starts uploading `file`, replacing any file picked before. */
  add(file) {
    this.clear();
    const preview = IMAGE_TYPES.has(file.type) ? window.URL.createObjectURL(file) : null;
    const pending = { file, preview, status: 'uploading', progress: 0, id: null, error: null, xhr: null };
    pending.done = new Promise((resolve) => {
      pending.xhr = uploadFile(file, {
        onProgress: (progress) => {
          if (this.pending !== pending) return;
          pending.progress = progress;
          this.render();
        },
        onDone: (result) => {
          pending.status = result.status;
          if (result.status === 'ready') pending.id = result.id;
          else if (result.status === 'failed') pending.error = uploadError(result.httpStatus, result.body, file);
          resolve();
        },
      });
    });
    pending.done.then(() => {
      if (this.pending !== pending) return;
      if (pending.status === 'failed') {
        this.clear();
        this.onError(pending.error);
      } else {
        this.render();
        this.onChange(pending.status === 'ready' ? `${file.name} is ready to send.` : undefined);
      }
    });
    this.pending = pending;
    this.render();
    this.onChange();
  }

  /**
   * Waits for the upload: the file's id, null when there is no file, or throws the reason it
   * cannot be sent.
   */
  async ready() {
    const pending = this.pending;
    if (pending === null) return null;
    await pending.done;
    if (pending.status === 'ready') return pending.id;
    throw new Error(pending.error ?? 'The file was not uploaded.');
  }

  has() {
    return this.pending !== null;
  }

  clear() {
    const pending = this.pending;
    if (pending === null) return;
    this.pending = null;
    if (pending.status === 'uploading') pending.xhr?.abort();
    if (pending.preview !== null) window.URL.revokeObjectURL(pending.preview);
    this.render();
    this.onChange();
  }

  render() {
    const pending = this.pending;
    setHidden(this.tray, pending === null);
    if (pending === null) {
      this.tray.replaceChildren();
      return;
    }
    const { file } = pending;
    const hadFocus = this.tray.contains(document.activeElement);
    const status = pending.status === 'uploading' ? `Uploading… ${pending.progress}%` : `Ready to send · ${formatSize(file.size)}`;
    const bar = el('span', { className: 'pending-progress', 'aria-hidden': 'true' }, el('span', { className: 'pending-progress-bar' }));
    bar.firstChild.style.width = `${pending.status === 'uploading' ? pending.progress : 100}%`;
    const remove = el(
      'button',
      { type: 'button', className: 'pending-remove', 'aria-label': `Remove ${file.name}`, title: 'Remove' },
      icon('close', 16),
    );
    remove.addEventListener('click', () => {
      this.clear();
      this.button.focus();
    });
    this.tray.replaceChildren(
      el('div', { className: `pending-file ${pending.status}` }, [
        pending.preview !== null
          ? el('img', { className: 'pending-thumb', src: pending.preview, alt: '' })
          : el('span', { className: 'pending-thumb file-icon' }, icon('file', 20)),
        el('span', { className: 'pending-text' }, [
          el('span', { className: 'pending-name', text: file.name }),
          el('span', { className: 'pending-meta', text: status }),
          pending.status === 'uploading' ? bar : null,
        ]),
        remove,
      ]),
    );
    if (hadFocus) remove.focus();
  }
}
