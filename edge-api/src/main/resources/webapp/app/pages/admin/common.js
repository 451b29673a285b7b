// Shared parts of the operator console (/admin): navigation, the 403 answer, small formatters.
import { ApiError } from '../../lib/api.js';
import { h } from '../../lib/dom.js';

export function adminNav(current) {
  const links = [['/admin', 'Overview'], ['/admin/settings', 'Settings and API keys']];
  return h('nav', { class: 'admin-nav', 'aria-label': 'Operator console' },
    links.map(([href, text]) => h('a', { href, 'aria-current': href === current ? 'page' : null }, text)));
}

/** The console needs the admin role: a candidate who wanders here is told so, nothing else. */
export function forbidden(main, err) {
  if (err instanceof ApiError && err.status === 403) {
    main.append(h('section', { class: 'card', role: 'alert' },
      h('h1', { tabindex: '-1' }, 'Operators only'),
      h('p', null, 'This console needs the admin role. Ask an operator to grant it (ADMIN_EMAILS or the admin command on the server).')));
    return true;
  }
  return false;
}

export function severityTag(severity) {
  return h('span', { class: `tag severity-${severity}`, 'data-severity': severity }, severity);
}

export function healthBadge(score) {
  const band = score >= 80 ? 'good' : score >= 50 ? 'fair' : 'poor';
  return h('span', { class: `score score-${band}`, 'data-health': String(score) }, `${score}`);
}

export function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '—';
}

export function percent(share) {
  return share == null ? '—' : `${Math.round(share * 1000) / 10}%`;
}

export const KINDS = {
  provider_unavailable: 'Provider unavailable',
  provider_failover: 'Provider failed over',
  session_errored_refunded: 'Session errored (refunded)',
  evaluation_failed: 'Evaluation failed',
  evaluation_dead_lettered: 'Evaluation dead-lettered',
  interviewer_silent: 'Interviewer silent',
  slow_first_audio: 'Slow first audio',
  repeated_barge_ins: 'Repeated barge-ins',
  sandbox_unavailable: 'Sandbox unavailable',
  socket_drops: 'Socket drops',
};
