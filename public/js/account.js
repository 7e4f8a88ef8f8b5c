import { byId, el, setHidden } from './dom.js';
import { logIn, logOut, register } from './rest-client.js';

const USERNAME = /^[\p{L}\p{N}_.-]{3,32}$/u;

const MODES = {
  login: {
    title: 'Sign in',
    submit: 'Sign in',
    busy: 'Signing in…',
    switchText: 'New here?',
    switchButton: 'Create an account',
    password: 'current-password',
  },
  register: {
    title: 'Create account',
    submit: 'Create account',
    busy: 'Creating account…',
    switchText: 'Already registered?',
    switchButton: 'Sign in instead',
    password: 'new-password',
  },
};

/**
 * Who you are, in the top bar, and the small sign-in / create-account dialog (a native modal
 * <dialog>: focus stays inside, Escape closes). Guests see "Sign in" and "Create account";
 * accounts see "Sign out".
 */
export class Account {
  constructor({ onRegistered, onSignedIn, onSignedOut, announce, onError }) {
    Object.assign(this, { onRegistered, onSignedIn, onSignedOut, announce, onError });
    this.ui = {
      welcome: byId('welcome'),
      signIn: byId('sign-in-button'),
      register: byId('register-button'),
      signOut: byId('sign-out-button'),
      dialog: byId('account-dialog'),
      form: byId('account-form'),
      title: byId('account-title'),
      intro: byId('account-intro'),
      error: byId('account-error'),
      username: byId('account-username'),
      password: byId('account-password'),
      usernameHint: byId('account-username-hint'),
      passwordHint: byId('account-password-hint'),
      usernameError: byId('account-username-error'),
      passwordError: byId('account-password-error'),
      submit: byId('account-submit'),
      switchText: byId('account-switch-text'),
      switchButton: byId('account-switch'),
      close: byId('account-close'),
    };
    this.mode = 'login';
    this.me = null;
    this.account = false;
    this.busy = false;
    const { ui } = this;
    ui.signIn.addEventListener('click', () => this.open('login'));
    ui.register.addEventListener('click', () => this.open('register'));
    ui.signOut.addEventListener('click', () => this.signOut());
    ui.close.addEventListener('click', () => ui.dialog.close());
    ui.switchButton.addEventListener('click', () => {
      this.setMode(this.mode === 'login' ? 'register' : 'login');
      ui.username.focus();
    });
    // A click on the backdrop (the dialog element itself, outside the form) closes it.
    ui.dialog.addEventListener('click', (event) => {
      if (event.target === ui.dialog) ui.dialog.close();
    });
    ui.dialog.addEventListener('keydown', (event) => event.stopPropagation());
    ui.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    for (const input of [ui.username, ui.password]) input.addEventListener('input', () => this.clearField(input));
  }

  /** The top bar for `me` (an account or a guest). */
  render(me, account) {
    this.me = me;
    this.account = account;
    const { ui } = this;
    if (me === null) {
      ui.welcome.textContent = 'Connecting…';
    } else if (account) {
      ui.welcome.replaceChildren('Signed in as ', el('strong', { text: me }));
    } else {
      ui.welcome.replaceChildren('Welcome, ', el('strong', { text: me }));
    }
    setHidden(ui.signIn, me === null || account);
    setHidden(ui.register, me === null || account);
    setHidden(ui.signOut, me === null || !account);
    if (me !== null && ui.dialog.open) this.setMode(this.mode);
  }

  open(mode) {
    const { ui } = this;
    this.setMode(mode);
    this.clearErrors();
    ui.password.value = '';
    if (!ui.dialog.open) ui.dialog.showModal();
    ui.username.focus();
  }

  setMode(mode) {
    const { ui } = this;
    const text = MODES[mode];
    this.mode = mode;
    ui.title.textContent = text.title;
    ui.submit.textContent = this.busy ? text.busy : text.submit;
    ui.switchText.firstChild.textContent = `${text.switchText} `;
    ui.switchButton.textContent = text.switchButton;
    ui.password.setAttribute('autocomplete', text.password);
    setHidden(ui.usernameHint, mode !== 'register');
    setHidden(ui.passwordHint, mode !== 'register');
    const guest = this.me ?? 'a guest';
    ui.intro.textContent =
      mode === 'register'
        ? `Keep a name of your own and sign in from anywhere. What you wrote as ${guest} stays yours.`
        : `Sign in to chat under your account. You are chatting as ${guest} now.`;
    this.clearErrors();
  }

  clearErrors() {
    const { ui } = this;
    ui.error.textContent = '';
    for (const input of [ui.username, ui.password]) this.clearField(input);
  }

  clearField(input) {
    const error = input === this.ui.username ? this.ui.usernameError : this.ui.passwordError;
    error.textContent = '';
    input.removeAttribute('aria-invalid');
  }

  fieldError(field, message) {
    const { ui } = this;
    const input = field === 'password' ? ui.password : field === 'username' ? ui.username : null;
    if (input === null) {
      ui.error.textContent = message;
      return;
    }
    (input === ui.username ? ui.usernameError : ui.passwordError).textContent = message;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }

  async submit() {
    const { ui } = this;
    if (this.busy) return;
    this.clearErrors();
    const username = ui.username.value.trim();
    const password = ui.password.value;
    if (!USERNAME.test(username)) {
      this.fieldError('username', 'Use 3 to 32 letters, digits, “_”, “.” or “-”.');
      return;
    }
    if (password.length < 8 || password.length > 256) {
      this.fieldError('password', this.mode === 'register' ? 'Use at least 8 characters.' : 'Passwords have at least 8 characters.');
      return;
    }
    const mode = this.mode;
    this.setBusy(true);
    let answer;
    try {
      answer = await (mode === 'register' ? register : logIn)({ username, password });
    } catch {
      this.setBusy(false);
      ui.error.textContent = 'Could not reach the server. Check the connection and try again.';
      return;
    }
    this.setBusy(false);
    if (answer.ok && typeof answer.payload?.username === 'string') {
      ui.password.value = '';
      ui.dialog.close();
      const name = answer.payload.username;
      if (mode === 'register') {
        this.announce(`Account created. You are ${name} now.`);
        this.onRegistered(name);
      } else {
        this.announce(`Signed in as ${name}.`);
        this.onSignedIn(name);
      }
      return;
    }
    const error = answer.payload?.error ?? {};
    switch (error.code) {
      case 'invalid_payload':
        this.fieldError(error.field, error.message ?? 'Check this field.');
        return;
      case 'invalid_credentials':
        ui.error.textContent = 'Wrong username or password.';
        ui.password.select();
        ui.password.focus();
        return;
      case 'name_taken':
        this.fieldError('username', `${username} is taken, or looks like a name that is. Pick another name.`);
        return;
      case 'invalid_name':
        this.fieldError('username', error.message ?? 'Names cannot contain invisible or control characters.');
        return;
      case 'already_registered':
        ui.error.textContent = 'You already have an account. Sign out first to create another.';
        return;
      case 'rate_limited': {
        const seconds = answer.retryAfter || Math.ceil((Number(error.retryAfterMs) || 6000) / 1000);
        ui.error.textContent = `Too many attempts. Try again in ${seconds} ${seconds === 1 ? 'second' : 'seconds'}.`;
        return;
      }
      default:
        ui.error.textContent = error.message ?? `Something went wrong (HTTP ${answer.status}). Try again.`;
    }
  }

  setBusy(busy) {
    const { ui } = this;
    this.busy = busy;
    ui.submit.disabled = busy;
    ui.submit.setAttribute('aria-busy', String(busy));
    ui.submit.textContent = busy ? MODES[this.mode].busy : MODES[this.mode].submit;
  }

  async signOut() {
    const { ui } = this;
    if (ui.signOut.disabled) return;
    ui.signOut.disabled = true;
    try {
      const answer = await logOut();
      if (answer.ok && typeof answer.payload?.username === 'string') {
        this.announce(`Signed out. You are ${answer.payload.username} now.`);
        this.onSignedOut(answer.payload.username);
      } else this.onError(answer.payload?.error?.message ?? 'Signing out failed. Try again.');
    } catch {
      this.onError('Could not reach the server to sign out. Try again.');
    } finally {
      ui.signOut.disabled = false;
    }
  }
}
