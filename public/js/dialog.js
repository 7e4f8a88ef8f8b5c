import { el, icon } from './dom.js';

/**
 * A modal <dialog> of the page (focus stays inside, Escape closes it): a head with its title and a
 * Close button, and a body for the rest. A click on the backdrop closes it too; keys pressed inside
 * go no further (Alt+↑/↓ switch conversations only outside it).
 */
export const modalDialog = ({ id, title, className = '' }) => {
  const titleId = `${id}-title`;
  const heading = el('h2', { className: 'dialog-title', id: titleId, text: title });
  const close = el('button', { type: 'button', className: 'icon-button dialog-close', 'aria-label': 'Close' }, icon('close', 20));
  const body = el('div', { className: 'dialog-body' });
  const dialog = el('dialog', { className: `dialog ${className}`.trim(), id, 'aria-labelledby': titleId }, [
    el('div', { className: 'dialog-inner' }, [el('div', { className: 'dialog-head' }, [heading, close]), body]),
  ]);
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
  dialog.addEventListener('keydown', (event) => event.stopPropagation());
  document.body.append(dialog);
  return { dialog, heading, body, close };
};

/** A labelled field: the label above its control, an optional hint under it. */
export const field = (label, control, hint) => {
  const hintId = hint === undefined ? undefined : `${control.id}-hint`;
  if (hintId !== undefined) control.setAttribute('aria-describedby', hintId);
  return el('div', { className: 'field' }, [
    el('label', { className: 'field-label', for: control.id, text: label }),
    control,
    hint === undefined ? null : el('p', { className: 'field-hint', id: hintId, text: hint }),
  ]);
};

/** A <select> of `[value, label]` options. */
export const select = (props, options) =>
  el(
    'select',
    { className: 'field-select', ...props },
    options.map(([value, label]) => el('option', { value: String(value), text: label })),
  );
