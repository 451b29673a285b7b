// /admin: summary cards, the failure trend (an accessible SVG chart with the same data as a table),
// the sessions table with its filters and the operator's saved views.
import { api } from '../../lib/api.js';
import { h, id, pageTitle } from '../../lib/dom.js';
import { toast } from '../../lib/toast.js';
import { adminNav, forbidden, healthBadge, KINDS, percent, when } from './common.js';

const FILTERS = ['from', 'to', 'healthMin', 'healthMax', 'hasFailures', 'provider', 'status'];

export async function render(main, { query, navigate }) {
  let summary;
  let trends;
  let views;
  try {
    [summary, trends, views] = await Promise.all([
      api('/api/admin/analytics/summary'),
      api('/api/admin/analytics/failures/trends'),
      api('/api/admin/saved-views'),
    ]);
  } catch (err) {
    if (forbidden(main, err)) return;
    throw err;
  }
  const filters = Object.fromEntries(FILTERS.filter((f) => query.get(f)).map((f) => [f, query.get(f)]));
  const cursor = query.get('cursor');
  const params = new URLSearchParams({ ...filters, limit: '25', ...(cursor ? { cursor } : {}) });
  const sessions = await api(`/api/admin/sessions?${params}`);
  main.append(
    h('div', { class: 'page-head' }, pageTitle('Operator console', 'Operator console')),
    adminNav('/admin'),
    cards(summary),
    trendChart(trends),
    filterForm(filters, views, navigate),
    sessionTable(sessions, filters, navigate));
}

function cards(s) {
  const card = (label, value, name) => h('div', { class: 'stat card' },
    h('p', { class: 'stat-label' }, label), h('p', { class: 'stat-value', 'data-stat': name }, value));
  return h('section', { class: 'stats', 'aria-label': 'Last 7 days' },
    card('Sessions (7 days)', String(s.sessions), 'sessions'),
    card('Completion rate', percent(s.completionRate), 'completion-rate'),
    card('Failure rate', percent(s.failureRate), 'failure-rate'),
    card('Open failures', String(s.failures.open), 'open-failures'),
    card('Average health', s.averageHealth == null ? '—' : String(s.averageHealth), 'average-health'),
    card('Average score', s.averageScore == null ? '—' : String(s.averageScore), 'average-score'),
    card('Provider mix', s.providerMix.map((p) => `${p.provider} ${percent(p.share)}`).join(', ') || '—', 'provider-mix'));
}

/** Failures per day as bars (decorative for screen readers) and the same numbers in a table. */
function trendChart(trends) {
  const titleId = id('trend-title');
  const days = trends.days;
  const max = Math.max(1, ...days.map((d) => d.total));
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  const width = Math.max(300, days.length * 24);
  svg.setAttribute('viewBox', `0 0 ${width} 120`);
  svg.setAttribute('class', 'trend-chart');
  svg.setAttribute('aria-hidden', 'true');
  days.forEach((d, i) => {
    const bar = document.createElementNS(ns, 'rect');
    const height = Math.round((d.total / max) * 100);
    bar.setAttribute('x', String(i * 24 + 4));
    bar.setAttribute('y', String(110 - height));
    bar.setAttribute('width', '16');
    bar.setAttribute('height', String(height));
    bar.setAttribute('class', 'trend-bar');
    svg.append(bar);
  });
  const rows = days.map((d) => h('tr', null, h('th', { scope: 'row' }, d.day), h('td', null, String(d.total)),
    h('td', null, Object.entries(d.byKind).map(([k, n]) => `${KINDS[k] || k}: ${n}`).join(', '))));
  return h('section', { class: 'card', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, 'Failures per day (30 days)'),
    days.length === 0 ? h('p', { class: 'muted' }, 'No failures in the last 30 days.') : svg,
    h('details', null, h('summary', null, 'Failures per day as a table'),
      h('table', { class: 'trend-table' },
        h('thead', null, h('tr', null, ['Day', 'Failures', 'By kind'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, rows))));
}

function field(label, input) {
  const inputId = id('filter');
  input.id = inputId;
  return h('div', { class: 'field' }, h('label', { for: inputId }, label), input);
}

function select(name, value, options) {
  return h('select', { name }, options.map(([v, text]) => h('option', { value: v, selected: v === (value || '') }, text)));
}

function filterForm(filters, views, navigate) {
  const form = h('form', { class: 'card filters', 'aria-label': 'Session filters' },
    h('h2', null, 'Sessions'),
    h('div', { class: 'filter-row' },
      field('From (YYYY-MM-DD)', h('input', { name: 'from', value: filters.from || '', inputmode: 'numeric' })),
      field('To (YYYY-MM-DD)', h('input', { name: 'to', value: filters.to || '', inputmode: 'numeric' })),
      field('Health at least', h('input', { name: 'healthMin', type: 'number', min: '0', max: '100', value: filters.healthMin || '' })),
      field('Health at most', h('input', { name: 'healthMax', type: 'number', min: '0', max: '100', value: filters.healthMax || '' })),
      field('Failures', select('hasFailures', filters.hasFailures, [['', 'Any'], ['true', 'With failures'], ['false', 'Without']])),
      field('Provider', select('provider', filters.provider, [['', 'Any'], ['openai', 'OpenAI'], ['gemini', 'Gemini'], ['local', 'Local'], ['none', 'None']])),
      field('Status', select('status', filters.status, [['', 'Any'], ...['scheduled', 'active', 'completed', 'abandoned', 'errored'].map((s) => [s, s])]))),
    h('div', { class: 'filter-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, 'Apply filters'),
      h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => navigate('/admin') }, 'Clear')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    navigate(`/admin?${formQuery(form)}`);
  });
  return h('div', null, form, savedViews(filters, views, navigate));
}

function formQuery(form) {
  const data = new FormData(form);
  const params = new URLSearchParams();
  for (const name of FILTERS) {
    const value = String(data.get(name) || '').trim();
    if (value) params.set(name, value);
  }
  return params;
}

function savedViews(filters, views, navigate) {
  const nameId = id('view-name');
  const name = h('input', { id: nameId, name: 'name', maxlength: '80', required: true });
  const save = h('form', { class: 'inline-form', 'aria-label': 'Save these filters' },
    h('label', { for: nameId }, 'Save these filters as'), name,
    h('button', { type: 'submit', class: 'btn' }, 'Save view'));
  save.addEventListener('submit', async (event) => {
    event.preventDefault();
    const typed = {};
    for (const [k, v] of Object.entries(filters)) typed[k] = ['healthMin', 'healthMax'].includes(k) ? Number(v) : v;
    try {
      await api('/api/admin/saved-views', { method: 'POST', body: { name: name.value.trim(), filters: typed } });
      toast('View saved.', { key: 'view-saved' });
      navigate(location.pathname + location.search, { replace: true });
    } catch (err) {
      toast(err.message, { kind: 'error', key: 'view-error' });
    }
  });
  const items = views.items.map((v) => h('li', null,
    h('a', { href: `/admin?${new URLSearchParams(Object.entries(v.filters).map(([k, val]) => [k, String(val)]))}` }, v.name),
    ' ',
    h('button', { type: 'button', class: 'btn btn-ghost', 'aria-label': `Delete view ${v.name}`, onclick: async () => {
      await api(`/api/admin/saved-views/${v.id}`, { method: 'DELETE' });
      navigate(location.pathname + location.search, { replace: true });
    } }, 'Delete')));
  return h('section', { class: 'card saved-views', 'aria-label': 'Saved views' },
    h('h3', null, 'Saved views'),
    items.length ? h('ul', null, items) : h('p', { class: 'muted' }, 'No saved views yet.'),
    save);
}

function sessionTable(page, filters, navigate) {
  const rows = page.items.map((s) => h('tr', { 'data-session': s.id },
    h('th', { scope: 'row' }, h('a', { href: `/admin/sessions/${s.id}` }, s.problem.title)),
    h('td', null, s.status),
    h('td', null, s.provider || '—'),
    h('td', null, healthBadge(s.health)),
    h('td', { 'data-failures': String(s.failures) }, String(s.failures)),
    h('td', null, when(s.createdAt))));
  const next = page.nextCursor
    ? h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => navigate(`/admin?${new URLSearchParams({ ...filters, cursor: page.nextCursor })}`) }, 'Older sessions →')
    : null;
  return h('section', { class: 'card', 'aria-label': 'Sessions' },
    page.items.length === 0 ? h('p', { class: 'muted' }, 'No sessions match these filters.')
      : h('table', { class: 'sessions admin-sessions' },
        h('thead', null, h('tr', null, ['Problem', 'Status', 'Provider', 'Health', 'Failures', 'Created'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, rows)),
    next);
}
