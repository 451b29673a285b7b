import { api } from '../../lib/api.js';
import { h, pageTitle } from '../../lib/dom.js';
import { progressSection } from './progress.js';
import { difficultyBadge, formatDate, formatDuration, score10, LANGUAGES } from '../../lib/format.js';

const PAGE_SIZE = 10;

export async function render(main, { query, navigate }) {
  const page = Math.max(1, Number.parseInt(query.get('page') || '1', 10) || 1);
  const [profile, sessions] = await Promise.all([
    api('/api/users/profile'),
    api(`/api/sessions?page=${page}&pageSize=${PAGE_SIZE}`),
  ]);
  const unlimited = profile.subscriptionTier && profile.subscriptionTier !== 'free';
  const progress = sessions.total > 0 ? progressSection() : null;
  main.append(
    h('div', { class: 'page-head' },
      pageTitle('Your interviews', 'Dashboard'),
      h('a', { class: 'btn btn-primary', href: '/practice' }, 'Start interview')),
    h('div', { class: 'stats' },
      stat('Credits', unlimited ? 'Unlimited' : String(profile.credits), 'credits',
        h('a', { href: '/billing' }, 'Buy credits')),
      stat('Total sessions', String(sessions.total), 'total-sessions')),
    progress ? progress.section : null,
    sessions.total === 0 ? empty() : list(sessions, page, navigate));
  return progress ? progress.cleanup : undefined;
}

function stat(label, value, name, extra) {
  return h('div', { class: 'stat card' }, h('p', { class: 'stat-label' }, label),
    h('p', { class: 'stat-value', 'data-stat': name }, value), extra || null);
}

function empty() {
  return h('section', { class: 'empty card' },
    h('h2', null, 'No interviews yet'),
    h('p', null, 'Your first mock interview takes about 30 minutes. Pick a difficulty, meet the interviewer, and see how you do.'),
    h('a', { class: 'btn btn-primary', href: '/practice' }, 'Start your first interview'));
}

function list(sessions, page, navigate) {
  const pages = Math.max(1, Math.ceil(sessions.total / sessions.pageSize));
  const rows = sessions.items.map((s) => h('tr', null,
    h('th', { scope: 'row', 'data-label': 'Problem' }, link(s)),
    h('td', { 'data-label': 'Difficulty' }, difficultyBadge(s.problem.difficulty)),
    h('td', { 'data-label': 'Language' }, LANGUAGES[s.language] || s.language),
    h('td', { 'data-label': 'Date' }, formatDate(s.startedAt || s.createdAt)),
    h('td', { 'data-label': 'Duration' }, formatDuration(s.durationSeconds)),
    h('td', { 'data-label': 'Score' }, scoreCell(s))));
  const pager = h('nav', { class: 'pager', 'aria-label': 'Sessions pages' },
    h('button', { type: 'button', class: 'btn btn-ghost', disabled: page <= 1, onclick: () => navigate(`/dashboard?page=${page - 1}`) }, '← Newer'),
    h('span', null, `Page ${page} of ${pages}`),
    h('button', { type: 'button', class: 'btn btn-ghost', disabled: page >= pages, onclick: () => navigate(`/dashboard?page=${page + 1}`) }, 'Older →'));
  return h('section', { class: 'card', 'aria-labelledby': 'history-title' },
    h('h2', { id: 'history-title' }, 'Past sessions'),
    h('table', { class: 'sessions' },
      h('thead', null, h('tr', null, ['Problem', 'Difficulty', 'Language', 'Date', 'Duration', 'Score'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, rows)),
    pages > 1 ? pager : null);
}

function link(s) {
  if (s.status === 'active' || s.status === 'scheduled') {
    return h('a', { href: `/interview/${s.sessionId}` }, s.problem.title, h('span', { class: 'tag tag-live' }, 'In progress'));
  }
  return h('a', { href: `/sessions/${s.sessionId}/summary` }, s.problem.title);
}

function scoreCell(s) {
  if (s.evaluationStatus === 'completed' && s.score != null) {
    return h('span', { class: `score score-${band(s.score)}` }, `${score10(s.score)} / 10`);
  }
  if (s.evaluationStatus === 'evaluating') return h('span', { class: 'tag tag-pending' }, 'Evaluating…');
  if (s.evaluationStatus === 'failed') return h('span', { class: 'tag tag-failed' }, 'Evaluation failed');
  return h('span', { class: 'muted' }, s.status === 'abandoned' ? 'Not started' : '—');
}

export function band(score) {
  return score >= 7 ? 'good' : score >= 5 ? 'fair' : 'poor';
}
