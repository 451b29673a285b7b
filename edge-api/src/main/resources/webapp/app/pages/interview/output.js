// The output panel: "Running…", the verdict in words, the tests as a table (hidden tests only as
// counts), stdout/stderr with ANSI colours as DOM spans, at most MAX_LINES lines.
import { h } from '../../lib/dom.js';
import { ansiToFragment } from '../../lib/ansi.js';

export const MAX_LINES = 1000;

const VERDICTS = {
  accepted: ['pass', '✓', 'All tests passed'],
  wrong_answer: ['fail', '✗', 'Some tests failed'],
  time_limit_exceeded: ['fail', '◷', 'Time limit exceeded: your code ran too long. Look for an infinite loop or a slower-than-needed algorithm.'],
  memory_limit_exceeded: ['fail', '⚠', 'Memory limit exceeded: your code used too much memory.'],
  output_limit_exceeded: ['fail', '⚠', 'Output limit exceeded: your code printed too much.'],
  runtime_error: ['fail', '⚠', 'Runtime error: your code stopped with an error. See the details below.'],
  compilation_error: ['fail', '⚠', 'Compilation error: your code did not compile. See the compiler output below.'],
  internal_error: ['fail', '⚠', 'The runner failed on our side. Try again.'],
};

export function createOutput() {
  const body = h('div', { class: 'output-body', tabindex: '0', 'aria-label': 'Output' });
  const status = h('p', { class: 'output-status', role: 'status', 'aria-live': 'polite' }, 'Run your code to see the results here.');
  const clear = h('button', { type: 'button', class: 'btn btn-ghost btn-small' }, 'Clear');
  const el = h('section', { class: 'output', 'aria-label': 'Output panel' },
    h('div', { class: 'output-head' }, h('h2', null, 'Output'), clear), status, body);
  clear.addEventListener('click', () => {
    body.replaceChildren();
    status.textContent = 'Cleared.';
    status.className = 'output-status';
  });
  return {
    el,
    running(mode) {
      body.replaceChildren();
      status.className = 'output-status running';
      status.replaceChildren(h('span', { class: 'spinner', 'aria-hidden': 'true' }), mode === 'submit' ? 'Submitting: running all tests…' : 'Running…');
    },
    error(message) {
      status.className = 'output-status verdict-fail';
      status.textContent = message;
    },
    show(result, mode) {
      const [kind, icon, text] = VERDICTS[result.verdict] || ['fail', '⚠', result.verdict];
      status.className = `output-status verdict-${kind}`;
      status.replaceChildren(h('span', { 'aria-hidden': 'true' }, `${icon} `), text,
        h('span', { class: 'muted' }, ` · Completed in ${result.durationMs} ms`));
      body.replaceChildren(...sections(result, mode));
    },
  };
}

function sections(result, mode) {
  const tests = result.tests || [];
  const shown = tests.filter((t) => !t.hidden);
  const hidden = tests.filter((t) => t.hidden);
  const out = [];
  if (shown.length) {
    out.push(h('table', { class: 'tests' },
      h('caption', null, `Example tests: ${shown.filter((t) => t.passed).length} of ${shown.length} passed`),
      h('thead', null, h('tr', null, ['Test', 'Input', 'Expected', 'Actual', 'Result'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, shown.map((t) => h('tr', { class: t.passed ? 'pass' : 'fail' },
        h('td', null, t.id),
        h('td', null, h('code', null, show(t.input))),
        h('td', null, h('code', null, show(t.expected))),
        h('td', null, h('code', null, t.error ? t.error : show(t.actual))),
        h('td', { class: 'result' }, t.passed ? '✓ Pass' : '✗ Fail'))))));
  }
  if (hidden.length) {
    const passed = hidden.filter((t) => t.passed).length;
    out.push(h('p', { class: `hidden-count ${passed === hidden.length ? 'pass' : 'fail'}` },
      `Hidden tests: ${passed} of ${hidden.length} passed`));
  } else if (mode === 'submit' && result.verdict !== 'compilation_error') {
    out.push(h('p', { class: 'muted' }, 'No hidden tests ran.'));
  }
  for (const [name, text] of [['stdout', result.stdout], ['stderr', result.stderr]]) {
    if (!text) continue;
    const { fragment, omitted } = ansiToFragment(text, MAX_LINES);
    out.push(h('div', { class: `stream stream-${name}` }, h('h3', null, name),
      h('pre', { class: 'console' }, fragment),
      omitted ? h('p', { class: 'muted' }, `… ${omitted} more lines not shown (first ${MAX_LINES} lines).`) : null));
  }
  return out;
}

function show(value) {
  if (value === undefined) return '—';
  return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value);
}
