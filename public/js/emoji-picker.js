import { el, setHidden } from './dom.js';
import { emojiData, loadEmoji, normaliseEmoji, recentEmoji, rememberEmoji, searchEmoji } from './emoji.js';

/** A picture for each group's tab, by emojibase group key. */
const GROUP_ICONS = {
  recent: '🕘',
  'smileys-emotion': '😀',
  'people-body': '👋',
  'animals-nature': '🐻',
  'food-drink': '🍔',
  'travel-places': '✈️',
  activities: '⚽',
  objects: '💡',
  symbols: '💟',
  flags: '🏁',
};
const MAX_RESULTS = 300;

/**
 * The emoji picker: a popover next to the button that opened it, with a search box, a tab per
 * group and a grid of emoji. Arrow keys move in the grid (one Tab stop), Enter or a click picks,
 * Escape closes and gives focus back. One instance serves the message box and the reactions.
 */
export class EmojiPicker {
  constructor(root) {
    this.root = root;
    this.anchor = null;
    this.onPick = null;
    this.built = false;
    this.query = '';
    this.search = el('input', {
      type: 'search',
      className: 'picker-search',
      id: 'picker-search',
      placeholder: 'Search emoji',
      'aria-label': 'Search emoji',
      autocomplete: 'off',
      spellcheck: 'false',
      'aria-describedby': 'picker-status',
    });
    this.tabs = el('div', { className: 'picker-tabs', role: 'group', 'aria-label': 'Emoji groups' });
    this.body = el('div', { className: 'picker-body', tabindex: '-1' });
    this.previewEmoji = el('span', { className: 'picker-preview-emoji', 'aria-hidden': 'true' });
    this.previewLabel = el('span', { className: 'picker-preview-label' });
    this.previewCode = el('span', { className: 'picker-preview-code' });
    this.status = el('p', { className: 'visually-hidden', id: 'picker-status', 'aria-live': 'polite' });
    this.title = el('h2', { className: 'visually-hidden', id: 'picker-title', text: 'Choose an emoji' });
    root.setAttribute('role', 'dialog');
    root.setAttribute('aria-labelledby', 'picker-title');
    root.replaceChildren(
      this.title,
      el('div', { className: 'picker-head' }, [this.search]),
      this.tabs,
      this.body,
      el('div', { className: 'picker-foot', 'aria-hidden': 'true' }, [
        this.previewEmoji,
        el('span', { className: 'picker-preview-text' }, [this.previewLabel, this.previewCode]),
      ]),
      this.status,
    );

    this.search.addEventListener('input', () => this.filter(this.search.value));
    this.search.addEventListener('keydown', (event) => {
      if (event.key === 'ArrowDown') {
        event.preventDefault();
        this.focusButton(this.current() ?? this.buttons()[0]);
      } else if (event.key === 'Enter') {
        event.preventDefault();
        const first = this.buttons()[0];
        if (first !== undefined) this.pick(first.dataset.emoji);
      }
    });
    this.body.addEventListener('click', (event) => {
      const button = event.target.closest('button[data-emoji]');
      if (button !== null) this.pick(button.dataset.emoji);
    });
    this.body.addEventListener('keydown', (event) => this.onGridKey(event));
    this.body.addEventListener('focusin', (event) => {
      if (event.target.matches?.('button[data-emoji]')) this.setCurrent(event.target);
    });
    this.body.addEventListener('pointerover', (event) => {
      const button = event.target.closest?.('button[data-emoji]');
      if (button) this.preview(button);
    });
    this.body.addEventListener('scroll', () => this.markTab(), { passive: true });
    this.tabs.addEventListener('click', (event) => {
      const tab = event.target.closest('button[data-group]');
      if (tab !== null) this.showGroup(tab.dataset.group);
    });
    root.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        this.close();
      } else if (event.key === 'Tab') {
        this.trapTab(event);
      }
    });
    document.addEventListener('pointerdown', (event) => {
      if (!this.isOpen()) return;
      if (this.root.contains(event.target) || this.anchor?.contains(event.target)) return;
      this.close({ restoreFocus: false });
    });
    window.addEventListener('resize', () => {
      if (this.isOpen()) this.place();
    });
  }

  isOpen() {
    return !this.root.hidden;
  }

  /** Opens next to `anchor`; `onPick(emoji)` gets the chosen one. Opening from the same anchor again closes it. */
  async open(anchor, { onPick, label = 'Choose an emoji' }) {
    if (this.isOpen() && this.anchor === anchor) {
      this.close();
      return;
    }
    if (this.isOpen()) this.close({ restoreFocus: false });
    this.anchor = anchor;
    this.onPick = onPick;
    this.title.textContent = label;
    anchor.setAttribute('aria-expanded', 'true');
    setHidden(this.root, false);
    this.search.value = '';
    this.query = '';
    if (!this.built) {
      this.body.replaceChildren(el('p', { className: 'picker-empty', text: 'Loading emoji…' }));
      this.place();
      try {
        await loadEmoji();
      } catch {
        this.body.replaceChildren(el('p', { className: 'picker-empty', text: 'The emoji could not be loaded. Try again later.' }));
        return;
      }
      if (this.anchor !== anchor || !this.isOpen()) return;
      this.build();
    } else {
      this.renderRecent();
      this.filter('');
    }
    this.place();
    this.body.scrollTop = 0;
    this.markTab();
    this.search.focus();
  }

  close({ restoreFocus = true } = {}) {
    if (!this.isOpen()) return;
    setHidden(this.root, true);
    const anchor = this.anchor;
    this.anchor = null;
    this.onPick = null;
    anchor?.setAttribute('aria-expanded', 'false');
    if (restoreFocus && anchor?.isConnected) anchor.focus();
  }

  pick(emoji) {
    if (typeof emoji !== 'string' || emoji === '') return;
    const onPick = this.onPick;
    rememberEmoji(emoji);
    this.close({ restoreFocus: false });
    onPick?.(emoji);
  }

  /** Positions the popover above the anchor (below when there is no room), inside the window. */
  place() {
    if (this.anchor === null) return;
    const margin = 8;
    const box = this.anchor.getBoundingClientRect();
    const width = Math.min(360, window.innerWidth - 2 * margin);
    this.root.style.width = `${width}px`;
    const height = this.root.offsetHeight;
    const left = Math.max(margin, Math.min(box.right - width, window.innerWidth - width - margin));
    let top = box.top - height - margin;
    if (top < margin) top = Math.max(margin, Math.min(box.bottom + margin, window.innerHeight - height - margin));
    this.root.style.left = `${Math.round(left)}px`;
    this.root.style.top = `${Math.round(top)}px`;
  }

  build() {
    const { groups, list } = emojiData();
    this.sections = new Map();
    const tabs = [el('button', this.tabProps('recent', 'Recently used'), GROUP_ICONS.recent)];
    const sections = [this.section('recent', 'Recently used', [])];
    for (const group of groups) {
      const members = list.filter((entry) => entry.group === group.id);
      if (members.length === 0) continue;
      tabs.push(el('button', this.tabProps(String(group.id), group.name), GROUP_ICONS[group.key] ?? members[0].unicode));
      sections.push(this.section(String(group.id), group.name, members));
    }
    this.tabs.replaceChildren(...tabs);
    this.groupsView = el('div', { className: 'picker-groups' }, sections);
    this.results = el('div', { className: 'picker-grid picker-results', role: 'group', 'aria-label': 'Search results' });
    this.empty = el('p', { className: 'picker-empty', hidden: true });
    this.body.replaceChildren(this.groupsView, this.results, this.empty);
    this.built = true;
    this.renderRecent();
    this.filter('');
  }

  tabProps(group, name) {
    return { type: 'button', className: 'picker-tab', dataset: { group }, 'aria-label': name, title: name };
  }

  section(id, name, entries) {
    const titleId = `picker-group-${id}`;
    const grid = el(
      'div',
      { className: 'picker-grid', role: 'group', 'aria-labelledby': titleId },
      entries.map((entry) => this.emojiButton(entry)),
    );
    const section = el('section', { className: 'picker-group', dataset: { group: id } }, [
      el('h3', { className: 'picker-group-title', id: titleId, text: name }),
      grid,
    ]);
    this.sections.set(id, { section, grid });
    return section;
  }

  emojiButton(entry) {
    const code = entry.shortcodes[0];
    return el('button', {
      type: 'button',
      className: 'picker-emoji',
      tabindex: '-1',
      dataset: { emoji: entry.unicode, label: entry.label, code: code ?? '' },
      'aria-label': entry.label,
      title: code === undefined ? entry.label : `${entry.label}  :${code}:`,
      text: entry.unicode,
    });
  }

  renderRecent() {
    const recent = this.sections?.get('recent');
    if (recent === undefined) return;
    const { list } = emojiData();
    const entries = recentEmoji().map(
      (unicode) =>
        list.find((entry) => normaliseEmoji(entry.unicode) === normaliseEmoji(unicode)) ?? { unicode, label: unicode, shortcodes: [] },
    );
    recent.grid.replaceChildren(...entries.map((entry) => this.emojiButton(entry)));
  }

  filter(raw) {
    if (!this.built) return;
    const query = raw.trim().toLowerCase().replace(/^:|:$/g, '').replaceAll('_', ' ');
    this.query = query;
    const words = query.split(/\s+/).filter(Boolean);
    if (words.length === 0) {
      setHidden(this.groupsView, false);
      setHidden(this.results, true);
      setHidden(this.empty, true);
      this.results.replaceChildren();
      this.status.textContent = '';
    } else {
      const matches = searchEmoji(query, MAX_RESULTS);
      this.results.replaceChildren(...matches.map((entry) => this.emojiButton(entry)));
      setHidden(this.groupsView, true);
      setHidden(this.results, matches.length === 0);
      setHidden(this.empty, matches.length > 0);
      this.empty.textContent = `No emoji match “${raw.trim()}”.`;
      this.status.textContent = matches.length === 0 ? 'No emoji found' : `${matches.length} emoji found`;
      this.body.scrollTop = 0;
    }
    this.setCurrent(this.buttons()[0]);
    this.markTab();
  }

  showGroup(id) {
    if (this.query !== '') {
      this.search.value = '';
      this.filter('');
    }
    const found = this.sections?.get(id);
    if (found === undefined) return;
    this.body.scrollTop = found.section.offsetTop;
    const first = found.grid.querySelector('button[data-emoji]');
    if (first !== null) this.focusButton(first);
    this.markTab(id);
  }

  /** The tab of the group in view gets aria-current. */
  markTab(forced) {
    if (!this.built) return;
    let id = forced;
    if (id === undefined && this.query === '') {
      const top = this.body.scrollTop + 8;
      for (const [key, { section }] of this.sections) if (section.offsetTop <= top) id = key;
    }
    for (const tab of this.tabs.querySelectorAll('button[data-group]')) {
      if (tab.dataset.group === id) tab.setAttribute('aria-current', 'true');
      else tab.removeAttribute('aria-current');
    }
  }

  /** The emoji buttons shown, in order. */
  buttons() {
    const scope = this.query === '' ? this.groupsView : this.results;
    return scope === undefined ? [] : [...scope.querySelectorAll('button[data-emoji]')];
  }

  current() {
    const active = this.body.querySelector('button[data-emoji][tabindex="0"]');
    return active !== null && active.offsetParent !== null ? active : undefined;
  }

  /** One button of the grid is the Tab stop (roving tabindex). */
  setCurrent(button) {
    for (const other of this.body.querySelectorAll('button[data-emoji][tabindex="0"]')) other.setAttribute('tabindex', '-1');
    if (button === undefined) return;
    button.setAttribute('tabindex', '0');
    this.preview(button);
  }

  focusButton(button) {
    if (button === undefined) return;
    this.setCurrent(button);
    button.focus({ preventScroll: true });
    button.scrollIntoView({ block: 'nearest' });
  }

  preview(button) {
    this.previewEmoji.textContent = button.dataset.emoji ?? '';
    this.previewLabel.textContent = button.dataset.label ?? '';
    this.previewCode.textContent = button.dataset.code ? `:${button.dataset.code}:` : '';
  }

  onGridKey(event) {
    const button = event.target.closest?.('button[data-emoji]');
    if (button === null || button === undefined) return;
    const buttons = this.buttons();
    const at = buttons.indexOf(button);
    let next;
    if (event.key === 'ArrowRight') next = buttons[at + 1];
    else if (event.key === 'ArrowLeft') next = buttons[at - 1];
    else if (event.key === 'ArrowDown') next = this.vertical(buttons, at, 1);
    else if (event.key === 'ArrowUp') {
      next = this.vertical(buttons, at, -1);
      if (next === undefined) {
        event.preventDefault();
        this.search.focus();
        return;
      }
    } else if (event.key === 'Home') next = buttons[0];
    else if (event.key === 'End') next = buttons[buttons.length - 1];
    else return;
    event.preventDefault();
    if (next !== undefined) this.focusButton(next);
  }

  /** The button in the next (or previous) row nearest to the same column. */
  vertical(buttons, at, direction) {
    const start = buttons[at].getBoundingClientRect();
    const x = start.left + start.width / 2;
    let rowTop;
    let best;
    let bestDistance = Infinity;
    for (let i = at + direction; i >= 0 && i < buttons.length; i += direction) {
      const box = buttons[i].getBoundingClientRect();
      const sameRow = Math.abs(box.top - start.top) < 2;
      if (sameRow) continue;
      if (rowTop === undefined) rowTop = box.top;
      else if (Math.abs(box.top - rowTop) >= 2) break;
      const distance = Math.abs(box.left + box.width / 2 - x);
      if (distance < bestDistance) {
        bestDistance = distance;
        best = buttons[i];
      }
    }
    return best;
  }

  /** Tab cycles inside the popover: search, group tabs, the grid. */
  trapTab(event) {
    const stops = [this.search, ...this.tabs.querySelectorAll('button'), this.current()].filter(
      (node) => node !== undefined && node !== null && node.offsetParent !== null,
    );
    if (stops.length === 0) return;
    const at = stops.indexOf(document.activeElement);
    const next = event.shiftKey
      ? at <= 0
        ? stops[stops.length - 1]
        : stops[at - 1]
      : at === stops.length - 1 || at === -1
        ? stops[0]
        : stops[at + 1];
    event.preventDefault();
    next.focus();
  }
}
