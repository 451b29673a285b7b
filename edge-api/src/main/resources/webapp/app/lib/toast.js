// Toasts: one region (aria-live polite), deduplicated by key so five failing calls make one toast.
import { h } from './dom.js';

const MAX = 3;
const live = new Map(); // key -> { el, count, timer }

export function toast(message, { kind = 'info', key = message, timeoutMs = 6_000 } = {}) {
  const region = document.getElementById('toasts');
  const existing = live.get(key);
  if (existing) {
    existing.count += 1;
    existing.counter.textContent = ` (×${existing.count})`;
    clearTimeout(existing.timer);
    existing.timer = setTimeout(() => dismiss(key), timeoutMs);
    return;
  }
  const counter = h('span', { class: 'toast-count' });
  const el = h('div', { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : null },
    h('span', { class: 'toast-icon', 'aria-hidden': 'true' }, kind === 'error' ? '⚠' : 'ℹ'),
    h('span', { class: 'toast-text' }, message, counter),
    h('button', { type: 'button', class: 'toast-close', 'aria-label': 'Dismiss', onclick: () => dismiss(key) }, '×'));
  region.append(el);
  live.set(key, { el, count: 1, counter, timer: setTimeout(() => dismiss(key), timeoutMs) });
  while (live.size > MAX) dismiss(live.keys().next().value);
}

function dismiss(key) {
  const entry = live.get(key);
  if (!entry) return;
  clearTimeout(entry.timer);
  entry.el.remove();
  live.delete(key);
}
