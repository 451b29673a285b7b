// /admin/sessions/:id: one interview's health breakdown, failures (with the ack/resolve workflow),
// transcript and events. Every value goes in as text.
import { api } from '../../lib/api.js';
import { h, id, pageTitle } from '../../lib/dom.js';
import { toast } from '../../lib/toast.js';
import { adminNav, forbidden, healthBadge, KINDS, severityTag, when } from './common.js';

export async function render(main, { params, navigate }) {
  let s;
  try {
    s = await api(`/api/admin/sessions/${encodeURIComponent(params.id)}`);
  } catch (err) {
    if (forbidden(main, err)) return;
    throw err;
  }
  main.append(
    h('div', { class: 'page-head' }, pageTitle(`Session: ${s.problem.title}`, 'Session')),
    adminNav(''),
    h('section', { class: 'card', 'aria-label': 'Session' },
      h('dl', { class: 'admin-facts' },
        fact('Status', s.status), fact('Provider', s.provider || '—'), fact('Created', when(s.createdAt)),
        fact('Ended', when(s.endedAt)), fact('End reason', s.endReason || '—'),
        fact('Evaluation', s.evaluation ? `${s.evaluation.status}${s.evaluation.overallScore != null ? ` (${s.evaluation.overallScore})` : ''}` : '—')),
      h('p', null, 'Health ', healthBadge(s.health), ' / 100'),
      breakdown(s.healthBreakdown)),
    failures(s, navigate),
    transcript(s.transcript),
    events(s.events));
}

function fact(term, value) {
  return [h('dt', null, term), h('dd', null, value)];
}

function breakdown(b) {
  if (!b.deductions || b.deductions.length === 0) return h('p', { class: 'muted' }, 'No deductions.');
  return h('ul', { class: 'deductions', 'aria-label': 'Health breakdown' },
    b.deductions.map((d) => h('li', null, `−${d.points}: ${KINDS[d.kind] || d.kind} (${d.severity})`)));
}

function failures(s, navigate) {
  const titleId = id('failures-title');
  const rows = s.failures.map((f) => h('tr', { 'data-failure': String(f.id), 'data-kind': f.kind },
    h('th', { scope: 'row' }, KINDS[f.kind] || f.kind),
    h('td', null, severityTag(f.severity)),
    h('td', { 'data-status': f.status }, f.status),
    h('td', null, when(f.detectedAt)),
    h('td', null, h('code', null, JSON.stringify(f.evidence.data || f.evidence))),
    h('td', null, actions(f, navigate))));
  return h('section', { class: 'card', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, 'Failures'),
    rows.length === 0 ? h('p', { class: 'muted' }, 'No failures were detected in this interview.')
      : h('table', { class: 'failures' },
        h('thead', null, h('tr', null, ['Kind', 'Severity', 'Status', 'Detected', 'Evidence', 'Workflow'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, rows)));
}

function actions(f, navigate) {
  const to = (status, label) => h('button', { type: 'button', class: 'btn btn-ghost', 'data-action': status,
    'aria-label': `${label}: ${KINDS[f.kind] || f.kind}`,
    onclick: async () => {
      try {
        await api(`/api/admin/failures/${f.id}`, { method: 'PATCH', body: { status } });
        toast(`Failure marked ${status}.`, { key: `failure-${f.id}` });
        navigate(location.pathname, { replace: true });
      } catch (err) {
        toast(err.message, { kind: 'error', key: `failure-${f.id}` });
      }
    } }, label);
  return [
    f.status === 'open' ? to('ack', 'Acknowledge') : null,
    f.status !== 'resolved' ? to('resolved', 'Resolve') : null,
    f.status !== 'open' ? to('open', 'Reopen') : null,
  ];
}

function transcript(lines) {
  const titleId = id('transcript-title');
  return h('section', { class: 'card', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, 'Transcript'),
    lines.length === 0 ? h('p', { class: 'muted' }, 'No transcript.')
      : h('ol', { class: 'transcript' }, lines.map((l) => h('li', { class: `turn turn-${l.role}` },
        h('span', { class: 'turn-role' }, l.role === 'assistant' ? 'Interviewer' : l.role === 'user' ? 'Candidate' : l.role), ': ', l.text))));
}

function events(list) {
  const titleId = id('events-title');
  return h('section', { class: 'card', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, 'Events'),
    list.length === 0 ? h('p', { class: 'muted' }, 'No events.')
      : h('ol', { class: 'events' }, list.map((e) => h('li', null, `${when(e.at)} · ${e.kind}`))));
}
