import { isModerator } from './conversation.js';
import { modalDialog, select } from './dialog.js';
import { el, setHidden } from './dom.js';
import { colourSlot, initials, untilText } from './format.js';
import { getRoom, getRoomState } from './rest-client.js';

const LABELS = { kick: 'Kick', mute: 'Mute', ban: 'Ban' };
/** How long a mute or a ban lasts: seconds, or none (until lifted). */
const DURATIONS = [
  [600, '10 minutes'],
  [3600, '1 hour'],
  [86_400, '1 day'],
  [604_800, '1 week'],
  ['', 'Until lifted'],
];

/**
 * The open room's members (its header's "Members"). Moderators, owners and admins see each one's
 * role and whether they are muted, and may kick, mute or ban them (a small form: a reason, and how
 * long), unmute them, and lift bans; owners and admins also make moderators. Everyone else sees the
 * names only: none of those controls exist for them.
 */
export class MembersDialog {
  constructor({ state, moderation, announce, refresh }) {
    Object.assign(this, { state, moderation, announce, refresh });
    this.conversation = null;
    /** `{ roles: Map, mutes: Map, bans: [{ user, until }] }` for moderators, from the room's state now. */
    this.standing = null;
    /** The action being filled in: `{ action, user, reason, seconds, error, busy }`. */
    this.form = null;
    const { dialog, heading, body, close } = modalDialog({ id: 'members-dialog', title: 'Members', className: 'wide' });
    Object.assign(this, { dialog, heading, closeButton: close });
    this.status = el('p', { className: 'dialog-intro', role: 'status' });
    this.error = el('p', { className: 'form-error', role: 'alert' });
    this.list = el('ul', { className: 'member-list', 'aria-label': 'Members' });
    this.banned = el('div', { className: 'banned-section' });
    body.append(this.status, this.error, this.list, this.banned);
    body.addEventListener('click', (event) => this.onClick(event));
    body.addEventListener('input', (event) => {
      if (this.form === null) return;
      if (event.target.name === 'reason') this.form.reason = event.target.value;
      if (event.target.name === 'seconds') this.form.seconds = event.target.value;
    });
    body.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
  }

  /** Opens the list of `conversation`'s members. */
  open(conversation) {
    this.conversation = conversation;
    this.form = null;
    this.standing = null;
    this.heading.textContent = `Members of ${conversation.name}`;
    this.error.textContent = '';
    this.draw();
    if (!this.dialog.open) this.dialog.showModal();
    this.load();
  }

  get moderator() {
    return isModerator(this.conversation?.role);
  }

  async load() {
    const conversation = this.conversation;
    this.status.textContent = 'Loading…';
    try {
      const room = await getRoom(conversation.name);
      conversation.memberNames = Array.isArray(room.members) ? room.members.filter((name) => typeof name === 'string') : [];
      this.standing = this.moderator ? standingOf(await getRoomState(conversation.name)) : null;
      this.status.textContent = '';
    } catch {
      this.status.textContent = 'Could not load the members. Close this and try again.';
    }
    if (this.conversation === conversation) this.draw();
  }

  draw() {
    const conversation = this.conversation;
    const focusKey = this.dialog.contains(document.activeElement) ? document.activeElement.dataset.focus : undefined;
    const me = (name) => this.state.isMine(name);
    const owner = this.state.roomInfo.get(conversation.name)?.owner;
    const names = [...conversation.memberNames].sort((a, b) => (me(a) ? -1 : me(b) ? 1 : a.localeCompare(b)));
    this.list.replaceChildren(...names.map((name) => this.row(name, me(name), owner)));
    const bans = this.moderator ? (this.standing?.bans ?? []) : [];
    setHidden(this.banned, bans.length === 0);
    this.banned.replaceChildren(
      ...(bans.length === 0
        ? []
        : [
            el('h3', { className: 'dialog-subtitle', text: 'Banned' }),
            el(
              'ul',
              { className: 'member-list', 'aria-label': 'Banned' },
              bans.map(({ user, until }) =>
                el('li', { className: 'member' }, [
                  el('span', { className: 'member-name', text: user }),
                  el('span', { className: 'member-tag', text: until === undefined ? 'until lifted' : `until ${untilText(until)}` }),
                  el('span', { className: 'member-actions' }, [this.button('unban', user, 'Unban')]),
                ]),
              ),
            ),
          ]),
    );
    if (focusKey !== undefined) (this.dialog.querySelector(`[data-focus="${window.CSS.escape(focusKey)}"]`) ?? this.list).focus?.();
  }

  row(name, isMe, owner) {
    const role = this.standing?.roles.get(name) ?? (name === owner ? 'owner' : 'member');
    const muted = this.standing?.mutes.get(name);
    const tags = [];
    if (isMe) tags.push(el('span', { className: 'you', text: '(you)' }));
    if (role !== 'member') tags.push(el('span', { className: 'member-tag', text: role }));
    if (muted !== undefined)
      tags.push(el('span', { className: 'member-tag muted', text: muted === null ? 'muted' : `muted until ${untilText(muted)}` }));
    const actions = [];
    if (this.moderator && !isMe) {
      actions.push(muted !== undefined ? this.button('unmute', name, 'Unmute') : this.button('mute', name, 'Mute'));
      actions.push(this.button('kick', name, 'Kick'), this.button('ban', name, 'Ban'));
      if (this.conversation.role === 'owner' || this.conversation.role === 'admin') {
        if (role === 'member') actions.push(this.button('promote', name, 'Make moderator', `Make ${name} a moderator`));
        if (role === 'moderator') actions.push(this.button('demote', name, 'Make member', `Make ${name} a member again`));
      }
    }
    return el('li', { className: 'member' }, [
      el('span', { className: `avatar small c${colourSlot(name)}`, 'aria-hidden': 'true', text: initials(name) }),
      el('span', { className: 'member-name', text: name }),
      ...tags,
      actions.length === 0 ? null : el('span', { className: 'member-actions' }, actions),
      this.form?.user === name ? this.formFor(this.form) : null,
    ]);
  }

  button(action, user, text, label = `${text} ${user}`) {
    return el('button', {
      type: 'button',
      className: action === 'ban' || action === 'kick' ? 'ghost-button small danger' : 'ghost-button small',
      dataset: { action, user, focus: `${action}:${user}` },
      'aria-label': label,
      text,
    });
  }

  /** Kick, mute or ban `user`: a reason, how long (not for a kick), then the action or Cancel. */
  formFor(form) {
    const label = `${LABELS[form.action]} ${form.user}`;
    const reason = el('input', {
      type: 'text',
      className: 'field-input',
      id: 'member-reason',
      name: 'reason',
      maxlength: '1000',
      autocomplete: 'off',
    });
    reason.value = form.reason;
    const fields = [el('label', { className: 'field-label', for: 'member-reason', text: 'Reason (optional)' }), reason];
    if (form.action !== 'kick') {
      const seconds = select({ id: 'member-seconds', name: 'seconds' }, DURATIONS);
      seconds.value = form.seconds;
      fields.push(el('label', { className: 'field-label', for: 'member-seconds', text: 'For' }), seconds);
    }
    return el('form', { className: 'member-form', role: 'group', 'aria-label': label, novalidate: true }, [
      el('div', { className: 'member-fields' }, fields),
      form.error === '' ? null : el('p', { className: 'form-error', role: 'alert', text: form.error }),
      el('div', { className: 'member-form-buttons' }, [
        el('button', { type: 'button', className: 'ghost-button small', dataset: { action: 'cancel', focus: 'cancel' }, text: 'Cancel' }),
        el('button', {
          type: 'submit',
          className: form.action === 'mute' ? 'primary-button small' : 'danger-button small',
          dataset: { focus: 'submit' },
          disabled: form.busy,
          'aria-busy': form.busy ? 'true' : undefined,
          text: LABELS[form.action],
        }),
      ]),
    ]);
  }

  onClick(event) {
    const button = event.target.closest('button[data-action]');
    if (button === null) return;
    const { action, user } = button.dataset;
    if (action === 'cancel') {
      const { user: was, action: kind } = this.form ?? {};
      this.form = null;
      this.draw();
      this.dialog.querySelector(`[data-focus="${window.CSS.escape(`${kind}:${was}`)}"]`)?.focus();
    } else if (action in LABELS) {
      this.form = { action, user, reason: '', seconds: '3600', error: '', busy: false };
      this.draw();
      this.dialog.querySelector('#member-reason')?.focus();
    } else {
      const options = action === 'promote' ? { role: 'moderator' } : action === 'demote' ? { role: 'member' } : {};
      this.run(action === 'promote' || action === 'demote' ? 'set_role' : action, user, options);
    }
  }

  async submit() {
    const form = this.form;
    if (form === null || form.busy) return;
    form.busy = true;
    form.error = '';
    this.draw();
    const seconds = form.seconds === '' ? undefined : Number(form.seconds);
    const error = await this.moderation.member(form.action, this.conversation.name, form.user, { reason: form.reason.trim(), seconds });
    if (this.form !== form) return;
    form.busy = false;
    if (error !== null) {
      form.error = error;
      this.draw();
      return;
    }
    this.form = null;
    this.done(`${LABELS[form.action]}: ${form.user}`, `${form.action}:${form.user}`);
  }

  /** An action without a form (unmute, unban, roles): at once. Its refusal shows in the list's status line. */
  async run(action, user, options) {
    this.error.textContent = '';
    const error = await this.moderation.member(action, this.conversation.name, user, options);
    if (error !== null) {
      this.error.textContent = error;
      return;
    }
    this.done(`Done: ${user}`);
  }

  /** Done: the list again from the server; focus on the member's row (`focusKey`), else on Close. */
  async done(announcement, focusKey) {
    this.announce(announcement);
    this.refresh(this.conversation);
    await this.load();
    const target = focusKey === undefined ? null : this.dialog.querySelector(`[data-focus="${window.CSS.escape(focusKey)}"]`);
    if (!this.dialog.contains(document.activeElement) || document.activeElement === this.dialog) (target ?? this.closeButton).focus();
  }
}

/** The room's state now, as the member list shows it: each member's role, who is muted (until when, or null) and who is banned. */
const standingOf = (moment) => {
  const list = (value) => (Array.isArray(value) ? value.filter((entry) => typeof entry?.user === 'string') : []);
  return {
    roles: new Map(list(moment.roles).map(({ user, role }) => [user, String(role)])),
    mutes: new Map(list(moment.mutes).map(({ user, until }) => [user, typeof until === 'string' ? until : null])),
    bans: list(moment.bans).map(({ user, until }) => ({ user, until: typeof until === 'string' ? until : undefined })),
  };
};
