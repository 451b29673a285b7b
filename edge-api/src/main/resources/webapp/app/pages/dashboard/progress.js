// "Your progress" on the dashboard: each rubric dimension's score over the evaluated sessions, as a
// Chart.js line chart (from its WebJar, loaded only when there is something to draw) and as a table
// with the same numbers, which is what a screen reader reads. Shown from the second evaluation on.
import { api } from '../../lib/api.js';
import { h, id } from '../../lib/dom.js';
import { DIMENSIONS, formatDate, score10 } from '../../lib/format.js';

export const MIN_SESSIONS = 2;
const COLUMNS = { overall: 'Overall', ...DIMENSIONS };
// one colour per line, distinguishable in print and for the common colour-vision deficiencies
const COLOURS = ['#111827', '#4f46e5', '#0891b2', '#b45309', '#15803d', '#be185d'];

/** The progress card; it fills itself in when /api/progress answers. */
export function progressSection() {
  const titleId = id('progress-title');
  const body = h('div', { class: 'progress-body' }, h('p', { class: 'muted' }, 'Loading your progress…'));
  const section = h('section', { class: 'card progress', 'aria-labelledby': titleId, 'data-progress': 'loading' },
    h('h2', { id: titleId }, 'Your progress'), body);
  let chart = null;
  let gone = false;
  const cleanup = () => {
    gone = true;
    chart?.destroy();
  };
  api('/api/progress').then(async (progress) => {
    if (gone) return;
    if (progress.sessions < MIN_SESSIONS) {
      section.dataset.progress = 'waiting';
      body.replaceChildren(h('p', { class: 'muted' }, progress.sessions === 0
        ? 'Your scores over time appear here after two evaluated interviews.'
        : 'One evaluated interview so far: your scores over time appear here after the next one.'));
      return;
    }
    const views = viewsOf(progress);
    const select = h('select', { id: id('progress-view') }, views.map((v, i) => h('option', { value: String(i) }, v.label)));
    const canvas = h('canvas', { role: 'img', class: 'progress-chart' });
    const table = h('table', { class: 'progress-table' });
    const summary = h('p', { class: 'muted small', 'aria-live': 'polite' });
    body.replaceChildren(
      h('div', { class: 'progress-controls' }, h('label', { for: select.id }, 'Show'), select),
      h('figure', { class: 'progress-figure' }, h('div', { class: 'progress-canvas' }, canvas),
        h('figcaption', { class: 'visually-hidden' }, 'The table below lists the same scores.')),
      summary, table);
    const { Chart, registerables } = await import('chart.js');
    if (gone) return;
    Chart.register(...registerables);
    const show = () => {
      const view = views[Number(select.value)];
      const rows = progress.evaluations.filter(view.keep);
      summary.textContent = `${rows.length} evaluated session${rows.length === 1 ? '' : 's'}: ${trend(rows)}`;
      canvas.setAttribute('aria-label', `Line chart of your scores over ${rows.length} sessions (${view.label}). ${trend(rows)}`);
      table.replaceChildren(...tableOf(rows, progress.dimensions, view.label));
      chart?.destroy();
      chart = new Chart(canvas, chartConfig(rows, progress.dimensions));
    };
    select.addEventListener('change', show);
    show();
    section.dataset.progress = 'shown';
  }).catch((err) => {
    section.dataset.progress = 'failed';
    body.replaceChildren(h('p', { class: 'notice' }, `Could not load your progress: ${err.message}`));
  });
  return { section, cleanup };
}

/** All sessions, then one view per category and per group the server reported. */
function viewsOf(progress) {
  return [
    { label: 'All sessions', keep: () => true },
    ...progress.byCategory.map((c) => ({ label: `Category: ${c.category}`, keep: (e) => e.problem.category === c.category })),
    ...progress.byGroup.map((g) => ({ label: `Group: ${g.groupId}`, keep: (e) => e.groupId === g.groupId })),
  ];
}

function trend(rows) {
  const overall = rows.map((e) => e.scores.overall).filter((s) => typeof s === 'number');
  if (overall.length < 2) return 'not enough scores for a trend yet.';
  const change = overall[overall.length - 1] - overall[0];
  const words = Math.abs(change) < 0.05 ? 'unchanged' : change > 0 ? `up ${score10(change)}` : `down ${score10(-change)}`;
  return `overall ${score10(overall[0])} at first, ${score10(overall[overall.length - 1])} most recently (${words}).`;
}

function tableOf(rows, dimensions, label) {
  return [
    h('caption', null, `Scores by session, oldest first (${label})`),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Date'), h('th', { scope: 'col' }, 'Problem'),
      dimensions.map((d) => h('th', { scope: 'col' }, COLUMNS[d] || d)))),
    h('tbody', null, rows.map((e) => h('tr', { 'data-session': e.sessionId },
      h('th', { scope: 'row' }, formatDate(e.heldAt)),
      h('td', null, h('a', { href: `/sessions/${e.sessionId}/summary` }, e.problem.title)),
      dimensions.map((d) => h('td', { 'data-dimension': d },
        typeof e.scores[d] === 'number' ? score10(e.scores[d]) : 'not assessed'))))),
  ];
}

function chartConfig(rows, dimensions) {
  return {
    type: 'line',
    data: {
      labels: rows.map((e) => formatDate(e.heldAt)),
      datasets: dimensions.map((d, i) => ({
        label: COLUMNS[d] || d,
        data: rows.map((e) => (typeof e.scores[d] === 'number' ? e.scores[d] : null)),
        borderColor: COLOURS[i % COLOURS.length],
        backgroundColor: COLOURS[i % COLOURS.length],
        borderWidth: d === 'overall' ? 3 : 1.5,
        borderDash: d === 'overall' ? [] : [4, 3],
        spanGaps: true,
        tension: 0.2,
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { y: { min: 0, max: 10, ticks: { stepSize: 2 } } },
      plugins: { legend: { position: 'bottom' } },
    },
  };
}
