import { setHidden } from './dom.js';

/**
 * At 640 px and below the sidebar is a drawer over the conversation (the same query as in
 * css/phone.css): the menu button opens it, the close button, the backdrop and Escape close it.
 * While it is open the conversation is inert; while it is closed, the sidebar.
 */
export class Drawer {
  constructor({ app, sidebar, main, backdrop, toggle, close, focusTarget }) {
    Object.assign(this, { app, sidebar, main, backdrop, toggle, focusTarget });
    this.query = window.matchMedia('(max-width: 640px)');
    this.open = false;
    toggle.addEventListener('click', () => this.set(!this.open));
    backdrop.addEventListener('click', () => this.set(false));
    close.addEventListener('click', () => this.set(false));
    this.query.addEventListener('change', () => this.set(false, { restoreFocus: false }));
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.open) {
        event.preventDefault();
        this.set(false);
      }
    });
  }

  /** The sidebar is a drawer at this width. */
  get narrow() {
    return this.query.matches;
  }

  /** Opens or closes it; opening focuses the open conversation's button, closing gives focus back to the menu button. */
  set(open, { restoreFocus = true } = {}) {
    const wasOpen = this.open;
    this.open = open && this.narrow;
    this.app.classList.toggle('drawer-open', this.open);
    setHidden(this.backdrop, !this.open);
    this.toggle.setAttribute('aria-expanded', String(this.open));
    this.toggle.setAttribute('aria-label', this.open ? 'Hide conversations' : 'Show conversations');
    this.sidebar.inert = this.narrow && !this.open;
    this.main.inert = this.open;
    if (this.open && !wasOpen) this.focusTarget()?.focus();
    if (!this.open && wasOpen && restoreFocus) this.toggle.focus();
  }
}
