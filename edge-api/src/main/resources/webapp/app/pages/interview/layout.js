// Resizable panes: a separator that drags with the pointer and moves with the arrow keys; sizes
// persist in localStorage.
import { h } from '../../lib/dom.js';

const KEY = 'interviewroom.layout';

export function loadLayout() {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) || '{}');
    return { problemPct: clamp(saved.problemPct ?? 38, 20, 70), outputPct: clamp(saved.outputPct ?? 32, 12, 75) };
  } catch {
    return { problemPct: 38, outputPct: 32 };
  }
}

export function saveLayout(layout) {
  localStorage.setItem(KEY, JSON.stringify(layout));
}

function clamp(v, min, max) {
  return Math.min(max, Math.max(min, v));
}

/**
 * A separator between two panes. axis 'x' resizes widths (value = % of container width of the
 * first pane), 'y' heights (value = % of container height of the second pane).
 */
export function separator({ axis, label, container, value, min, max, onChange }) {
  const el = h('div', { class: `splitter splitter-${axis}`, role: 'separator', tabindex: '0', 'aria-label': label,
    'aria-orientation': axis === 'x' ? 'vertical' : 'horizontal', 'aria-valuemin': min, 'aria-valuemax': max });
  let current = value;
  const set = (v) => {
    current = clamp(Math.round(v), min, max);
    el.setAttribute('aria-valuenow', String(current));
    onChange(current);
  };
  set(value);
  el.addEventListener('keydown', (event) => {
    const grow = axis === 'x' ? ['ArrowRight'] : ['ArrowUp'];
    const shrink = axis === 'x' ? ['ArrowLeft'] : ['ArrowDown'];
    if (grow.includes(event.key)) set(current + 2);
    else if (shrink.includes(event.key)) set(current - 2);
    else return;
    event.preventDefault();
  });
  el.addEventListener('pointerdown', (event) => {
    event.preventDefault();
    el.setPointerCapture(event.pointerId);
    const box = container().getBoundingClientRect();
    const move = (e) => set(axis === 'x'
      ? ((e.clientX - box.left) / box.width) * 100
      : ((box.bottom - e.clientY) / box.height) * 100);
    const up = () => {
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', up);
      el.classList.remove('dragging');
    };
    el.classList.add('dragging');
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', up);
  });
  return el;
}
