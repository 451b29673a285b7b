import { api } from '../../lib/api.js';
import { h, pageTitle } from '../../lib/dom.js';
import { difficultyBadge, formatDate, formatDuration, score10, DIMENSIONS, LANGUAGES } from '../../lib/format.js';
import { markdown } from '../../lib/markdown.js';
import { render as notFound } from '../notfound/notfound.js';
import { replaySection } from './replay.js';

const POLL_MS = 5_000;
const RECOMMENDATIONS = {
  strong_yes: ['Strong yes', 'good'],
  yes: ['Yes', 'good'],
  maybe: ['Maybe', 'fair'],
  no: ['No', 'poor'],
};

export async function render(main, { params }) {
  const id = encodeURIComponent(params.id);
  let session;
  try {
    session = await api(`/api/sessions/${id}`);
  } catch (err) {
    if (err.status === 404) return notFound(main, { message: 'This interview does not exist, or it belongs to another account.' });
    throw err;
  }
  const body = h('div', { class: 'summary-body', 'aria-live': 'polite' });
  const replay = replaySection(id);
  main.append(h('div', { class: 'summary' },
    h('div', { class: 'page-head' },
      h('div', null, pageTitle(`${session.problem.title}: your results`, 'Summary'),
        h('p', { class: 'meta' }, difficultyBadge(session.problem.difficulty), ' ',
          h('span', { class: 'muted' }, `${LANGUAGES[session.language] || session.language} · ${formatDate(session.startedAt || session.createdAt)} · ${formatDuration(session.durationSeconds)}`))),
      h('a', { class: 'btn btn-primary', href: '/practice' }, 'Practice again')),
    body,
    replay.section));

  let timer = 0;
  let stopped = false;
  let replayFor = null;
  // the replay reads once now, and once more when the evaluation completes (everything is stored by then)
  function syncReplay(status) {
    const settled = (s) => s === 'completed' || s === 'failed';
    if (replayFor === null || (settled(status) && !settled(replayFor))) {
      replayFor = status;
      replay.load(status);
    }
  }
  async function load() {
    let evaluation;
    try {
      evaluation = await api(`/api/sessions/${id}/evaluation`);
    } catch (err) {
      if (stopped) return;
      syncReplay('unknown');
      body.replaceChildren(h('p', { class: 'notice' }, `Could not load the evaluation: ${err.message} Retrying…`));
      timer = setTimeout(load, POLL_MS);
      return;
    }
    if (stopped) return;
    syncReplay(evaluation.status);
    if (evaluation.status === 'completed') {
      body.replaceChildren(...completed(evaluation, replay.seek));
    } else if (evaluation.status === 'failed') {
      body.replaceChildren(h('section', { class: 'card state-failed' },
        h('h2', null, 'Evaluation failed'),
        h('p', null, 'We could not evaluate this interview. Your code and conversation are saved; if you were charged a credit for a failure on our side, it is refunded.')));
    } else {
      body.replaceChildren(h('section', { class: 'card state-pending' },
        h('span', { class: 'spinner', 'aria-hidden': 'true' }),
        h('h2', null, 'Generating your evaluation…'),
        h('p', { class: 'muted' }, 'This usually takes under a minute. This page updates by itself.')));
      timer = setTimeout(load, POLL_MS);
    }
  }
  await load();
  return () => {
    stopped = true;
    clearTimeout(timer);
    replay.cleanup();
  };
}

function completed(e, seek) {
  const [recommendation, band] = RECOMMENDATIONS[e.recommendation] || [e.recommendation, 'fair'];
  const overall = e.overallScore;
  const scores = e.scores || {};
  const evidence = e.evidence || {};
  const keys = [...Object.keys(DIMENSIONS).filter((k) => k in scores), ...Object.keys(scores).filter((k) => !(k in DIMENSIONS) && k !== 'overall')];
  return [
    h('section', { class: 'card overview' },
      h('div', { class: `overall overall-${bandOf(overall)}`, role: 'img', 'aria-label': `Overall score ${score10(overall)} out of 10` },
        h('span', { class: 'overall-number' }, score10(overall)), h('span', { class: 'overall-scale' }, '/ 10')),
      h('div', null,
        h('p', { class: 'muted' }, 'Recommendation'),
        h('p', { class: `recommendation rec-${band}` }, recommendation),
        e.heuristic ? h('p', { class: 'muted small' }, 'Scored by the built-in heuristic evaluator (no language model was used).') : null)),
    h('section', { class: 'card' }, h('h2', null, 'Scores'),
      h('div', { class: 'gauges' }, keys.map((k) => gauge(k, scores[k], evidence[k], seek)))),
    h('div', { class: 'two-col' },
      h('section', { class: 'card' }, h('h2', null, 'Strengths'), bullets(e.strengths, 'No strengths were recorded.')),
      h('section', { class: 'card' }, h('h2', null, 'To improve'), bullets(e.improvements, 'No improvements were recorded.'))),
    h('section', { class: 'card report' }, h('h2', null, 'Report'), h('div', { class: 'markdown' }, markdown(e.reportMarkdown))),
  ];
}

function scoreOf(value) {
  if (typeof value === 'number') return value;
  if (value && typeof value.score === 'number') return value.score;
  return null;
}

function gauge(key, raw, evidence, seek) {
  const label = DIMENSIONS[key] || key.replace(/_/g, ' ');
  const value = scoreOf(raw);
  const meter = value === null
    ? h('div', { class: 'gauge-track na', role: 'img', 'aria-label': `${label}: not assessed` })
    : h('div', { class: 'gauge-track', role: 'meter', 'aria-valuemin': '1', 'aria-valuemax': '10', 'aria-valuenow': String(value),
      'aria-label': `${label}: ${value} out of 10` }, h('span', { class: `gauge-fill fill-${bandOf(value)}` }));
  if (value !== null) meter.firstChild.style.width = `${Math.max(0, Math.min(10, value)) * 10}%`;
  return h('div', { class: 'gauge', 'data-dimension': key },
    h('div', { class: 'gauge-head' }, h('span', { class: 'gauge-label' }, label),
      h('span', { class: 'gauge-number' }, value === null ? 'Not assessed' : `${value} / 10`)),
    meter,
    evidence ? evidenceOf(evidence, seek) : null);
}

/** The rationale, and each cited moment as a button that moves the replay there. */
function evidenceOf(ev, seek) {
  const refs = [
    ...(ev.transcriptItems || []).map((item, i) => [`transcript:${item}`, `line ${i + 1}`, 'transcript line']),
    ...(ev.snapshots || []).map((snapshot, i) => [`snapshot:${snapshot}`, `code ${i + 1}`, 'code snapshot']),
    ...(ev.tests || []).map((test) => [`test:${test}`, `test ${test.replace(':', ' ')}`, 'test run']),
  ];
  return h('div', { class: 'evidence' },
    ev.rationale ? h('p', null, ev.rationale) : null,
    refs.length ? h('p', { class: 'muted small evidence-links' }, 'Evidence: ', refs.map(([ref, label, kind]) =>
      h('button', { type: 'button', class: 'evidence-link', 'data-ref': ref, 'aria-label': `Replay from this ${kind} (${label})`,
        onclick: () => seek(ref) }, label))) : null);
}

function bullets(items, none) {
  return items && items.length ? h('ul', null, items.map((s) => h('li', null, s))) : h('p', { class: 'muted' }, none);
}

function bandOf(score) {
  return score >= 7 ? 'good' : score >= 5 ? 'fair' : 'poor';
}
