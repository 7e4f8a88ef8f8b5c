/**
 * The only way this page creates elements. Every string goes in as a Text node or an attribute
 * value, never as HTML: there is no innerHTML anywhere in the page.
 */
export const el = (tag, props = {}, children = []) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'className') node.className = value;
    else if (key === 'text') node.textContent = String(value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of Array.isArray(children) ? children : [children]) {
    if (child !== undefined && child !== null && child !== false) node.append(child);
  }
  return node;
};

export const byId = (id) => {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`#${id} is missing from index.html`);
  return node;
};

/** Shows or hides without touching styles (the `hidden` attribute). */
export const setHidden = (node, hidden) => {
  if (node.hidden !== hidden) node.hidden = hidden;
};

const SVG = 'http://www.w3.org/2000/svg';

/** Line icons (24×24, drawn with the text colour), hidden from screen readers. */
const ICONS = {
  smilePlus: [
    'M20.6 12.5A8.6 8.6 0 1 1 12 3.4',
    'M8.5 14.5s1.2 1.6 3.5 1.6 3.5-1.6 3.5-1.6',
    'M9 9.5h.01M15 9.5h.01',
    'M19 2.5v6M16 5.5h6',
  ],
  pencil: ['M4 20h4L19 9a2.83 2.83 0 0 0-4-4L4 16z', 'M13.5 6.5l4 4'],
  trash: ['M4 7h16', 'M9.5 7V4.5h5V7', 'M6.5 7l1 12.5h9l1-12.5', 'M10.2 11v5.2M13.8 11v5.2'],
  file: ['M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z', 'M14 3v5h5', 'M9 13h6M9 17h4'],
  download: ['M12 4v11', 'M7.5 10.5 12 15l4.5-4.5', 'M5 20h14'],
  close: ['M6 6l12 12M18 6 6 18'],
  lock: ['M7 11h10a1 1 0 0 1 1 1v7a1 1 0 0 1-1 1H7a1 1 0 0 1-1-1v-7a1 1 0 0 1 1-1z', 'M8.5 11V8a3.5 3.5 0 0 1 7 0v3'],
  reply: ['M10 7.5 5 12.5l5 5', 'M5.5 12.5H14a5 5 0 0 1 5 5V19'],
  remove: ['M12 3.5a8.5 8.5 0 1 0 0 17a8.5 8.5 0 1 0 0-17z', 'M6 6l12 12'],
};

export const icon = (name, size = 18) => {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', String(size));
  svg.setAttribute('height', String(size));
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', 'icon');
  for (const d of ICONS[name] ?? []) {
    const path = document.createElementNS(SVG, 'path');
    path.setAttribute('d', d);
    path.setAttribute('fill', 'none');
    path.setAttribute('stroke', 'currentColor');
    path.setAttribute('stroke-width', '1.9');
    path.setAttribute('stroke-linecap', 'round');
    path.setAttribute('stroke-linejoin', 'round');
    svg.append(path);
  }
  return svg;
};
