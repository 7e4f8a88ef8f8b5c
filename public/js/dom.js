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
