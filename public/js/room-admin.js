import { roomKey } from './conversation.js';
import { field, modalDialog, select } from './dialog.js';
import { el } from './dom.js';
import { formatTime, refusalText } from './format.js';

const NO_ANSWER = 'The server did not answer. Try again.';

/** `?room=…&invite=…`: the invite link this page was opened with, if any. */
export const inviteInAddress = () => {
  const params = new URLSearchParams(location.search);
  const room = params.get('room');
  if (room === null || room === '') return null;
  const invite = params.get('invite');
  return { room, invite: invite === null || invite === '' ? undefined : invite };
};

/** The address bar without the invite's query, once it has been used. */
export const forgetInviteInAddress = () => {
  if (location.search !== '') window.history.replaceState(window.history.state, '', `${location.pathname}${location.hash}`);
};

/** An invite link to `room`: whoever opens it joins with the code. */
export const inviteLink = (room, code) => `${location.origin}/?room=${encodeURIComponent(room)}&invite=${encodeURIComponent(code)}`;

/**
 * "New room", for account holders: a name, public or private, and a topic. The server's refusals
 * (a name taken or not allowed) show in the dialog; a created room is listed and opened (joined).
 */
export class NewRoomDialog {
  constructor({ connection, rooms, open, announce }) {
    Object.assign(this, { connection, rooms, open, announce });
    const { dialog, body } = modalDialog({ id: 'new-room-dialog', title: 'New room' });
    this.dialog = dialog;
    this.error = el('p', { className: 'form-error', role: 'alert' });
    this.name = el('input', {
      type: 'text',
      className: 'field-input',
      id: 'new-room-name',
      maxlength: '40',
      autocomplete: 'off',
      required: true,
    });
    this.topic = el('input', { type: 'text', className: 'field-input', id: 'new-room-topic', maxlength: '200', autocomplete: 'off' });
    const radio = (value, label, hint, checked) =>
      el('label', { className: 'choice' }, [
        el('input', { type: 'radio', name: 'visibility', value, checked }),
        el('span', { className: 'choice-text' }, [
          el('span', { className: 'choice-label', text: label }),
          el('span', { className: 'field-hint', text: hint }),
        ]),
      ]);
    this.submitButton = el('button', { type: 'submit', className: 'primary-button wide', text: 'Create room' });
    this.form = el('form', { className: 'dialog-form', novalidate: true }, [
      this.error,
      field('Name', this.name, '2 to 40 characters; no one else may have a room of that name.'),
      el('fieldset', { className: 'field choices' }, [
        el('legend', { className: 'field-label', text: 'Who can join' }),
        radio('public', 'Public', 'Listed for everyone; anyone may join.', true),
        radio('private', 'Private', 'Only people you invite, with a link.', false),
      ]),
      field('Topic (optional)', this.topic),
      this.submitButton,
    ]);
    body.append(this.form);
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    this.name.addEventListener('input', () => this.setError(''));
  }

  show() {
    this.form.reset();
    this.setError('');
    this.dialog.showModal();
    this.name.focus();
  }

  setError(text) {
    this.error.textContent = text;
    if (text === '') this.name.removeAttribute('aria-invalid');
    else this.name.setAttribute('aria-invalid', 'true');
  }

  async submit() {
    if (this.busy) return;
    const visibility = this.form.elements.namedItem('visibility').value === 'private' ? 'private' : 'public';
    const topic = this.topic.value.trim();
    this.busy = true;
    this.submitButton.disabled = true;
    this.submitButton.textContent = 'Creating…';
    try {
      const answer = await this.connection.ask('create_room', { name: this.name.value, visibility, ...(topic === '' ? {} : { topic }) });
      if (answer?.ok !== true) {
        this.setError(refusalText(answer?.error, 'The room was not created.'));
        this.name.focus();
        return;
      }
      this.rooms.created(answer);
      this.dialog.close();
      this.announce(`Created ${answer.room}.`);
      this.open(roomKey(answer.room), { focusComposer: true });
    } catch {
      this.setError(NO_ANSWER);
    } finally {
      this.busy = false;
      this.submitButton.disabled = false;
      this.submitButton.textContent = 'Create room';
    }
  }
}

const EXPIRY = [
  [3600, '1 hour'],
  [86_400, '1 day'],
  [604_800, '7 days'],
  ['', 'Never'],
];
const USES = [
  [1, 'Once'],
  [10, '10 times'],
  ['', 'Any number of times'],
];

/**
 * "Invite" (owners, moderators and admins of a room people created): opening it makes an invite
 * and shows its link with a Copy button; other limits (how long, how many uses) make another.
 */
export class InviteDialog {
  constructor({ connection }) {
    this.connection = connection;
    const { dialog, heading, body } = modalDialog({ id: 'invite-dialog', title: 'Invite people' });
    Object.assign(this, { dialog, heading });
    this.intro = el('p', { className: 'dialog-intro' });
    this.error = el('p', { className: 'form-error', role: 'alert' });
    this.link = el('input', { type: 'text', className: 'field-input', id: 'invite-link', readonly: true, spellcheck: 'false' });
    this.copied = el('p', { className: 'field-hint', role: 'status' });
    const copy = el('button', { type: 'button', className: 'primary-button', text: 'Copy link' });
    this.expiry = select({ id: 'invite-expiry' }, EXPIRY);
    this.uses = select({ id: 'invite-uses' }, USES);
    const again = el('button', { type: 'button', className: 'ghost-button small', text: 'Create a new link' });
    body.append(
      this.intro,
      this.error,
      el('div', { className: 'field' }, [
        el('label', { className: 'field-label', for: 'invite-link', text: 'Invite link' }),
        el('div', { className: 'copy-row' }, [this.link, copy]),
        this.copied,
      ]),
      el('fieldset', { className: 'field invite-limits' }, [
        el('legend', { className: 'field-label', text: 'Another link' }),
        el('div', { className: 'limit-row' }, [field('Expires after', this.expiry), field('Can be used', this.uses), again]),
      ]),
    );
    copy.addEventListener('click', () => this.copy());
    again.addEventListener('click', () => this.create());
    this.link.addEventListener('focus', () => this.link.select());
  }

  /** Opens the dialog for `conversation` and makes a link (for 7 days, any number of uses, unless changed). */
  show(conversation) {
    this.room = conversation.name;
    this.heading.textContent = `Invite people to ${conversation.name}`;
    this.expiry.value = '604800';
    this.uses.value = '';
    this.link.value = '';
    this.copied.textContent = '';
    this.dialog.showModal();
    this.create();
  }

  async create() {
    const room = this.room;
    const limits = {};
    if (this.expiry.value !== '') limits.expiresIn = Number(this.expiry.value);
    if (this.uses.value !== '') limits.maxUses = Number(this.uses.value);
    this.error.textContent = '';
    this.copied.textContent = '';
    this.intro.textContent = 'Making a link…';
    try {
      const answer = await this.connection.ask('create_invite', { room, ...limits });
      if (room !== this.room) return;
      if (answer?.ok !== true || typeof answer.invite?.code !== 'string') {
        this.intro.textContent = '';
        this.error.textContent = refusalText(answer?.error, 'No invite was made.');
        return;
      }
      const { code, maxUses, expiresAt } = answer.invite;
      this.link.value = inviteLink(room, code);
      const uses = maxUses === undefined ? '' : maxUses === 1 ? ', once' : `, up to ${maxUses} times`;
      const until = expiresAt === undefined ? '' : ` until ${formatTime(expiresAt).short}`;
      this.intro.textContent = `Anyone with this link can join ${room}${until}${uses}.`;
    } catch {
      this.intro.textContent = '';
      this.error.textContent = NO_ANSWER;
    }
  }

  async copy() {
    if (this.link.value === '') return;
    try {
      await navigator.clipboard.writeText(this.link.value);
      this.copied.textContent = 'Copied to the clipboard.';
    } catch {
      this.link.focus();
      this.link.select();
      this.copied.textContent = 'Press Ctrl+C (⌘C on a Mac) to copy the selected link.';
    }
  }
}
