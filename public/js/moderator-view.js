import { modalDialog } from './dialog.js';
import { el, setHidden } from './dom.js';
import { formatTime } from './format.js';
import { describeAction, durationText } from './moderation-text.js';
import { getAudit, getRoomState } from './rest-client.js';

/** A moment is loaded once the slider has rested this long. */
const SETTLE_MS = 150;

/**
 * For a room's moderators, owners and admins (its header's "Moderation"): the audit log, page by
 * page (oldest first, "Show more" for the next), and the room as it stood at a moment: a slider over
 * its messages (1 … the newest, then "Now") shows who was in it and in what role, who was banned or
 * muted, and its last messages as they stood then (a message removed later, as it was).
 */
export class ModeratorView {
  constructor({ state }) {
    this.state = state;
    this.conversation = null;
    this.auditCursor = 0;
    this.asked = 0;
    this.timer = undefined;
    const { dialog, heading, body } = modalDialog({ id: 'moderator-view', title: 'Moderation', className: 'wide tall' });
    Object.assign(this, { dialog, heading });

    this.audit = el('ol', { className: 'audit-list', 'aria-label': 'Audit log' });
    this.auditStatus = el('p', { className: 'dialog-intro', role: 'status' });
    this.more = el('button', { type: 'button', className: 'ghost-button small', text: 'Show more' });
    this.more.addEventListener('click', () => this.loadAudit());

    this.slider = el('input', { type: 'range', id: 'moment-slider', className: 'moment-slider', min: '1', max: '1', step: '1' });
    this.slider.addEventListener('input', () => this.settle());
    this.at = el('output', { className: 'moment-at', for: 'moment-slider', 'aria-live': 'polite' });
    this.momentError = el('p', { className: 'form-error', role: 'alert' });
    this.members = el('ul', { className: 'moment-list', 'aria-label': 'Members then' });
    this.restrictions = el('ul', { className: 'moment-list', 'aria-label': 'Banned or muted then' });
    this.settings = el('p', { className: 'moment-settings' });
    this.messages = el('ol', { className: 'moment-messages', 'aria-label': 'Messages then' });

    body.append(
      el('section', { className: 'moderator-section', 'aria-labelledby': 'audit-heading' }, [
        el('h3', { className: 'dialog-subtitle', id: 'audit-heading', text: 'Audit log' }),
        this.auditStatus,
        this.audit,
        this.more,
      ]),
      el('section', { className: 'moderator-section', 'aria-labelledby': 'moment-heading' }, [
        el('h3', { className: 'dialog-subtitle', id: 'moment-heading', text: 'The room at a moment' }),
        el('div', { className: 'moment-control' }, [
          el('label', { className: 'field-label', for: 'moment-slider', text: 'Moment' }),
          this.slider,
          this.at,
        ]),
        this.momentError,
        this.settings,
        (this.grid = el('div', { className: 'moment-grid', 'aria-busy': 'true' }, [
          el('div', {}, [el('h4', { className: 'moment-heading', text: 'Members' }), this.members, this.restrictions]),
          el('div', {}, [el('h4', { className: 'moment-heading', text: 'Messages' }), this.messages]),
        ])),
      ]),
    );
  }

  /** Opens the view of `conversation`: its audit from the start, and the room now. */
  open(conversation) {
    this.conversation = conversation;
    this.heading.textContent = `Moderation of ${conversation.name}`;
    this.audit.replaceChildren();
    this.auditCursor = 0;
    setHidden(this.more, true);
    // Positions 1 … newest are "just after message n"; one more is now.
    const newest = conversation.maxSeq;
    this.slider.max = String(newest + 1);
    this.slider.min = String(Math.min(1, newest + 1));
    this.slider.value = String(newest + 1);
    this.slider.disabled = newest === 0;
    if (!this.dialog.open) this.dialog.showModal();
    this.loadAudit();
    this.loadMoment();
  }

  async loadAudit() {
    const conversation = this.conversation;
    this.auditStatus.textContent = 'Loading…';
    try {
      const page = await getAudit(conversation.name, this.auditCursor);
      if (conversation !== this.conversation) return;
      const authorOf = (id) => conversation.items.find((item) => item.id === id)?.author;
      const entries = Array.isArray(page.entries) ? page.entries : [];
      this.audit.append(...entries.map((entry) => this.auditEntry(entry, authorOf)));
      this.auditCursor = Number(page.cursor) || this.auditCursor;
      setHidden(this.more, page.hasMore !== true);
      this.auditStatus.textContent = this.audit.children.length === 0 ? 'Nothing yet: no one has been moderated here.' : '';
    } catch {
      this.auditStatus.textContent = 'Could not load the audit log. Try again.';
    }
  }

  auditEntry(entry, authorOf) {
    const { short, long } = formatTime(entry.timestamp);
    const seq = this.conversation.items.find((item) => item.id === entry.messageId)?.seq;
    const show =
      entry.action === 'remove_message' && seq !== undefined && seq > 0
        ? el('button', { type: 'button', className: 'link-button', text: 'see it as it was', 'aria-label': `See message ${seq} as it was` })
        : null;
    show?.addEventListener('click', () => {
      this.slider.value = String(seq);
      this.loadMoment();
      this.slider.focus();
    });
    return el('li', { className: 'audit-entry' }, [
      el('time', { className: 'time', datetime: entry.timestamp, title: long, text: short }),
      ' ',
      el('span', { className: 'audit-text', text: describeAction(entry, authorOf) }),
      show === null ? null : ' · ',
      show,
    ]);
  }

  /** The slider moved: the moment it rests on is loaded. */
  settle() {
    this.describeAt(null);
    this.grid.setAttribute('aria-busy', 'true');
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.loadMoment(), SETTLE_MS);
  }

  /** What the slider points at, in words (with the moment's time once known). */
  describeAt(time) {
    const value = Number(this.slider.value);
    const now = value > this.conversation.maxSeq;
    const text = now ? 'Now' : `Just after message ${value}${time ? ` · ${formatTime(time).short}` : ''}`;
    this.at.textContent = text;
    this.slider.setAttribute('aria-valuetext', text);
  }

  async loadMoment() {
    clearTimeout(this.timer);
    const conversation = this.conversation;
    const value = Number(this.slider.value);
    const at = value > conversation.maxSeq ? undefined : value;
    const asked = ++this.asked;
    this.describeAt(null);
    this.grid.setAttribute('aria-busy', 'true');
    try {
      const moment = await getRoomState(conversation.name, at);
      if (asked !== this.asked) return;
      this.momentError.textContent = '';
      this.describeAt(at === undefined ? undefined : moment.at?.time);
      this.showMoment(moment);
    } catch (error) {
      if (asked !== this.asked) return;
      this.momentError.textContent =
        error?.status === 404 ? `There is no message ${at} in this room.` : 'Could not load that moment. Try again.';
    }
    this.grid.setAttribute('aria-busy', 'false');
  }

  showMoment(moment) {
    const list = (value) => (Array.isArray(value) ? value : []);
    this.members.replaceChildren(
      ...list(moment.members).map(({ user, role }) =>
        el('li', {}, [
          el('span', { className: 'member-name', text: user }),
          role === 'member' ? null : el('span', { className: 'member-tag', text: role }),
        ]),
      ),
    );
    if (this.members.children.length === 0) this.members.append(el('li', { className: 'moment-empty', text: 'Nobody' }));
    const restrictions = [...list(moment.bans).map((ban) => ['banned', ban]), ...list(moment.mutes).map((mute) => ['muted', mute])];
    setHidden(this.restrictions, restrictions.length === 0);
    this.restrictions.replaceChildren(
      ...restrictions.map(([what, { user, until }]) =>
        el('li', {}, [
          el('span', { className: 'member-name', text: user }),
          el('span', { className: 'member-tag muted', text: `${what}${until ? ` until ${formatTime(until).short}` : ''}` }),
        ]),
      ),
    );
    const settings = [moment.slowMode > 0 ? `Slow mode: one message every ${durationText(moment.slowMode)}` : 'No slow mode'];
    if (typeof moment.topic === 'string' && moment.topic !== '') settings.push(`Topic: ${moment.topic}`);
    if (moment.archived === true) settings.push('Archived');
    this.settings.textContent = settings.join(' · ');
    this.messages.replaceChildren(...list(moment.messages).map((message) => momentMessage(message)));
    if (this.messages.children.length === 0) this.messages.append(el('li', { className: 'moment-empty', text: 'No messages yet' }));
  }
}

/** One message as it stood then: author, time, and its text or tombstone. */
const momentMessage = (message) => {
  const { short, long } = formatTime(message.timestamp);
  let text = String(message.msg ?? '');
  if (message.deleted === true) {
    text =
      typeof message.removed?.by === 'string'
        ? `Removed by ${message.removed.by}${message.removed.reason ? `: ${message.removed.reason}` : ''}`
        : 'This message was deleted';
  } else if (text === '' && message.attachment !== undefined) text = `[${message.attachment.name}]`;
  return el('li', { className: message.deleted === true ? 'moment-message deleted' : 'moment-message' }, [
    el('p', { className: 'meta' }, [
      el('span', { className: 'author', text: `#${message.seq} ${message.username}` }),
      ' ',
      el('time', { className: 'time', datetime: message.timestamp, title: long, text: short }),
      message.editedAt !== undefined && message.deleted !== true ? el('span', { className: 'edited', text: '(edited)' }) : null,
    ]),
    el('p', { className: 'moment-text', text }),
  ]);
};
