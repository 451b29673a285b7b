// Form building blocks in the GOV.UK pattern: every control has a label; errors are listed in a
// summary that takes focus and links to each field, and repeated next to the field.
import { h, id } from '../lib/dom.js';

export function field({ label, type = 'text', name, autocomplete, hint, required = true }) {
  const inputId = id(name);
  const hintId = hint ? `${inputId}-hint` : null;
  const errorId = `${inputId}-error`;
  const error = h('p', { class: 'field-error', id: errorId, hidden: true });
  const input = h('input', { id: inputId, name, type, autocomplete, required, 'aria-describedby': hintId });
  const el = h('div', { class: 'field' },
    h('label', { for: inputId }, label),
    hint ? h('p', { class: 'field-hint', id: hintId }, hint) : null,
    error, input);
  return {
    el, input,
    setError(message) {
      error.hidden = !message;
      error.textContent = message || '';
      el.classList.toggle('field-invalid', Boolean(message));
      input.setAttribute('aria-invalid', message ? 'true' : 'false');
      input.setAttribute('aria-describedby', [hintId, message ? errorId : null].filter(Boolean).join(' '));
    },
  };
}

export function errorSummary() {
  const list = h('ul');
  const el = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true },
    h('h2', null, 'There is a problem'), list);
  let fields = [];
  return {
    el,
    /** Shows the errors (or hides the summary); true when there were errors. */
    show(errors) {
      for (const f of fields) f.setError(null);
      fields = errors.map((e) => e.field).filter(Boolean);
      list.replaceChildren(...errors.map((e) => h('li', null, e.field
        ? h('a', { href: '#' + e.field.input.id, onclick: (event) => { event.preventDefault(); e.field.input.focus(); } }, e.message)
        : e.message)));
      for (const e of errors) if (e.field) e.field.setError(e.message);
      el.hidden = errors.length === 0;
      if (errors.length) el.focus();
      return errors.length > 0;
    },
  };
}
