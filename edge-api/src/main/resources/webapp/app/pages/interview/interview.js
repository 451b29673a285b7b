// The interview room: problem, editor, output, timer, the interviewer's status and the microphone,
// over one WebSocket (docs/wire-protocol.md) and the REST execute/end routes.
import { api } from '../../lib/api.js';
import { h, pageTitle } from '../../lib/dom.js';
import { toast } from '../../lib/toast.js';
import { clock, difficultyBadge, LANGUAGES } from '../../lib/format.js';
import { markdown } from '../../lib/markdown.js';
import { diagnostics } from '../../lib/diagnostics.js';
import { render as notFound } from '../notfound/notfound.js';
import { createEditor } from './editor.js';
import { createOutput } from './output.js';
import { InterviewAudio, microphoneProblem } from './audio.js';
import { InterviewSocket, MAX_TRIES } from './socket.js';
import { loadLayout, saveLayout, separator } from './layout.js';
import { takeHandOff } from './handoff.js';

export const DESKTOP_MIN_WIDTH = 1024;
const GATE_KEY = 'interviewroom.desktopGateDismissed';
const CODE_DEBOUNCE_MS = 300;
const MAX_CODE_BYTES = 51_200;
const RUN_TIMEOUT_MS = 15_000;
const STATUS_STUCK_MS = 15_000;
const STATUS = {
  listening: ['●', 'Listening…'],
  thinking: ['…', 'Thinking…'],
  speaking: ['♪', 'Speaking…'],
};

export async function render(main, { params, navigate }) {
  const sessionId = params.id;
  let detail;
  try {
    detail = await api(`/api/sessions/${encodeURIComponent(sessionId)}`);
  } catch (err) {
    if (err.status === 404) return notFound(main, { message: 'This interview does not exist, or it belongs to another account.' });
    throw err;
  }
  if (!['scheduled', 'active'].includes(detail.status)) {
    navigate(`/sessions/${sessionId}/summary`, { replace: true });
    return undefined;
  }
  if (window.innerWidth < DESKTOP_MIN_WIDTH && sessionStorage.getItem(GATE_KEY) !== '1') {
    return gate(main, () => {
      sessionStorage.setItem(GATE_KEY, '1');
      main.replaceChildren();
      return room(main, detail, navigate);
    }, navigate);
  }
  return room(main, detail, navigate);
}

/** Below 1024 px: say the room needs a desktop, and let the candidate go on anyway. */
function gate(main, proceed, navigate) {
  let cleanup = null;
  const go = h('button', { type: 'button', class: 'btn btn-primary' }, 'Continue anyway');
  main.append(h('section', { class: 'narrow center desktop-gate' },
    h('p', { class: 'gate-icon', 'aria-hidden': 'true' }, '▭'),
    pageTitle('This interview needs a desktop browser', 'Interview'),
    h('p', null, `The interview room shows the problem, a code editor and the output side by side, which needs a window at least ${DESKTOP_MIN_WIDTH} pixels wide. Use a laptop or desktop, or widen this window.`),
    h('div', { class: 'actions' }, go, h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => navigate('/dashboard') }, 'Back to dashboard'))));
  go.addEventListener('click', async () => { cleanup = await proceed(); });
  return () => (cleanup ? cleanup() : undefined);
}

async function room(main, detail, navigate) {
  const sessionId = detail.sessionId;
  const language = detail.language;
  const handed = takeHandOff(sessionId);
  const problem = handed ? handed.problem : await api(`/api/problems/${encodeURIComponent(detail.problem.slug)}`);
  const codeKey = `interviewroom.code.${sessionId}`;
  document.body.classList.add('in-room');
  Object.assign(diagnostics.audio, { framesCaptured: 0, framesSent: 0, samplesPlayed: 0, samplesQueued: 0, playbackClears: 0 });

  // ---- the code: local copy (kept per session) vs the server's latest snapshot ----
  const local = readLocal(codeKey);
  const snapshot = detail.latestSnapshot;
  let initial = (problem.starterCode || {})[language] || '';
  if (snapshot && snapshot.code && (!local || snapshot.timestampMs > local.atMs)) initial = snapshot.code;
  else if (local && local.language === language) initial = local.code;
  let hasLocalEdits = Boolean(local);

  // ---- elements ----
  const timer = h('div', { class: 'timer band-ok', role: 'timer', 'aria-label': 'Time left' },
    h('span', { class: 'timer-icon', 'aria-hidden': 'true' }, '◷'), h('span', { class: 'timer-text' }, '--:--'));
  const timerAnnounce = h('span', { class: 'visually-hidden', 'aria-live': 'assertive' });
  const aiStatus = h('div', { class: 'ai-status', role: 'status', 'aria-live': 'polite' },
    h('span', { class: 'ai-icon', 'aria-hidden': 'true' }, '○'), h('span', { class: 'ai-text' }, 'Connecting…'));
  const micButton = h('button', { type: 'button', class: 'btn btn-ghost mic-button', 'aria-pressed': 'false' },
    h('span', { 'aria-hidden': 'true', class: 'mic-icon' }, '◉'), h('span', { class: 'mic-label' }, 'Mute'),
    h('span', { class: 'mic-level', 'aria-hidden': 'true' }, h('span', { class: 'mic-level-bar' })));
  const audioButton = h('button', { type: 'button', class: 'btn btn-primary btn-small', hidden: true }, 'Turn on sound');
  const endButton = h('button', { type: 'button', class: 'btn btn-danger' }, 'End interview');
  const banner = h('div', { class: 'banner', role: 'alert', hidden: true });
  const micBanner = h('div', { class: 'banner banner-warn', role: 'alert', hidden: true });
  const runButton = h('button', { type: 'button', class: 'btn btn-secondary' }, '▶ Run');
  const submitButton = h('button', { type: 'button', class: 'btn btn-primary' }, 'Submit');
  const sizeNote = h('span', { class: 'size-note', role: 'status', 'aria-live': 'polite' });
  const editorHost = h('div', { class: 'editor-host' });
  const output = createOutput();
  const transcript = h('ol', { class: 'transcript', 'aria-label': 'Conversation so far' });
  const dialog = confirmDialog();

  const problemPane = h('section', { class: 'problem-pane', 'aria-labelledby': 'problem-title' },
    h('div', { class: 'problem-head' }, h('h2', { id: 'problem-title' }, problem.title), difficultyBadge(problem.difficulty),
      problem.category ? h('span', { class: 'tag' }, problem.category.replace(/-/g, ' ')) : null),
    h('div', { class: 'markdown' }, markdown(problem.description)),
    (problem.constraints || []).length ? h('div', null, h('h3', null, 'Constraints'),
      h('ul', { class: 'constraints' }, problem.constraints.map((c) => h('li', null, h('code', null, c))))) : null,
    (problem.examples || []).length ? h('div', null, h('h3', null, 'Examples'),
      problem.examples.map((ex, i) => h('div', { class: 'example' }, h('p', { class: 'example-title' }, `Example ${i + 1}`),
        h('pre', null, `Input: ${JSON.stringify(ex.input)}\nExpected: ${JSON.stringify(ex.expected)}`)))) : null,
    h('details', { class: 'conversation', open: true }, h('summary', null, 'Conversation'), transcript));

  const layout = loadLayout();
  const panes = h('div', { class: 'panes' });
  const work = h('div', { class: 'work-pane' });
  const editorSection = h('section', { class: 'editor-section', 'aria-label': 'Code editor' },
    h('div', { class: 'editor-toolbar' },
      h('span', { class: 'lang' }, LANGUAGES[language] || language),
      h('span', { class: 'hint' }, 'Tab indents · Esc then Tab leaves the editor'), sizeNote,
      h('span', { class: 'toolbar-actions' }, runButton, submitButton)),
    editorHost);
  work.append(editorSection,
    separator({ axis: 'y', label: 'Resize editor and output', container: () => work, value: layout.outputPct, min: 12, max: 75,
      onChange: (v) => { layout.outputPct = v; output.el.style.flexBasis = `${v}%`; saveLayout(layout); } }),
    output.el);
  panes.append(problemPane,
    separator({ axis: 'x', label: 'Resize problem and editor panes', container: () => panes, value: layout.problemPct, min: 20, max: 70,
      onChange: (v) => { layout.problemPct = v; panes.style.gridTemplateColumns = `${v}% 8px 1fr`; saveLayout(layout); } }),
    work);

  main.append(h('div', { class: 'room' },
    h('div', { class: 'topbar' },
      h('div', { class: 'topbar-title' }, pageTitle(problem.title, 'Interview')),
      timer, timerAnnounce, aiStatus, audioButton, micButton, endButton),
    banner, micBanner, panes, dialog.el));

  // ---- editor and code sync ----
  let debounce = 0;
  let syncPending = false;
  const editor = createEditor(editorHost, {
    code: initial,
    language,
    label: `Code editor, ${LANGUAGES[language] || language}`,
    onChange(code) {
      hasLocalEdits = true;
      localStorage.setItem(codeKey, JSON.stringify({ code, language, atMs: Date.now() }));
      clearTimeout(debounce);
      debounce = setTimeout(sendCode, CODE_DEBOUNCE_MS);
    },
  });

  function codeTooBig(code) {
    const bytes = new TextEncoder().encode(code).length;
    sizeNote.textContent = bytes > MAX_CODE_BYTES ? `Code is over 50 KB (${Math.ceil(bytes / 1024)} KB): shorten it to run or share it.` : '';
    return bytes > MAX_CODE_BYTES;
  }

  function sendCode() {
    clearTimeout(debounce);
    const code = editor.getCode();
    if (codeTooBig(code)) return;
    syncPending = !socket.send({ type: 'code_edit', code, language });
  }

  // ---- timer (server-authoritative: remainingMs from session.ready/timer, counted down between) ----
  let remaining = null;
  let announced = 6 * 60_000;
  const tick = setInterval(drawTimer, 250);
  function drawTimer() {
    if (!remaining) return;
    const left = Math.max(0, remaining.ms - (performance.now() - remaining.at));
    timer.querySelector('.timer-text').textContent = clock(left);
    const band = left <= 60_000 ? 'critical' : left <= 5 * 60_000 ? 'warn' : 'ok';
    timer.className = `timer band-${band}`;
    timer.querySelector('.timer-icon').textContent = band === 'critical' ? '‼' : band === 'warn' ? '⚠' : '◷';
    timer.setAttribute('aria-label', `Time left ${clock(left)}`);
    for (const mark of [5 * 60_000, 60_000]) {
      if (left <= mark && announced > mark) {
        announced = mark;
        timerAnnounce.textContent = mark === 60_000 ? 'One minute left.' : 'Five minutes left.';
      }
    }
  }
  function setRemaining(ms) {
    remaining = { ms: Math.max(0, ms), at: performance.now() };
    drawTimer();
  }

  // ---- the interviewer's status (back to listening when stuck) ----
  let statusTimer = 0;
  function setStatus(state) {
    const [icon, text] = STATUS[state] || STATUS.listening;
    aiStatus.className = `ai-status ai-${state}`;
    aiStatus.querySelector('.ai-icon').textContent = icon;
    aiStatus.querySelector('.ai-text').textContent = `Interviewer: ${text}`;
    clearTimeout(statusTimer);
    if (state !== 'listening') statusTimer = setTimeout(() => setStatus('listening'), STATUS_STUCK_MS);
  }

  // ---- audio ----
  const audio = new InterviewAudio({
    onFrame: (pcm) => socket.sendAudio(pcm),
    onLevel: ({ rms }) => {
      micButton.querySelector('.mic-level-bar').style.transform = `scaleX(${Math.min(1, rms * 8).toFixed(2)})`;
    },
    onPlayback: ({ queued }) => { if (queued > 0) setStatus('speaking'); },
    onContextState: (state) => { audioButton.hidden = state !== 'suspended'; },
  });
  audioButton.addEventListener('click', () => audio.resume());
  async function startMic() {
    micBanner.hidden = true;
    try {
      await audio.startMicrophone();
    } catch (err) {
      const retry = h('button', { type: 'button', class: 'btn btn-small' }, 'Retry');
      retry.addEventListener('click', startMic);
      micBanner.replaceChildren(h('span', null, microphoneProblem(err)), retry);
      micBanner.hidden = false;
    }
  }
  micButton.addEventListener('click', () => {
    const muted = !audio.muted;
    audio.setMuted(muted);
    micButton.setAttribute('aria-pressed', String(muted));
    micButton.classList.toggle('muted', muted);
    micButton.querySelector('.mic-label').textContent = muted ? 'Unmute' : 'Mute';
    micButton.querySelector('.mic-icon').textContent = muted ? '⊘' : '◉';
  });

  // ---- the socket ----
  let leaving = false;
  const socket = new InterviewSocket(sessionId, {
    onReady(message) {
      setRemaining(message.remainingMs);
      banner.hidden = true;
      if (!hasLocalEdits && message.code && message.language === language && message.code !== editor.getCode()) {
        editor.setCode(message.code);
      } else if (hasLocalEdits || syncPending) {
        sendCode(); // what was typed while away, or since the last save, goes again
      }
    },
    onMessage(message) {
      switch (message.type) {
        case 'timer': setRemaining(message.remainingMs); break;
        case 'status': setStatus(message.state); break;
        case 'transcript': addTranscript(message); break;
        case 'playback.clear': audio.clearPlayback(); break;
        case 'error':
          if (message.code === 'provider_unavailable') toast('The interviewer\'s voice is unavailable right now. You can keep coding; it will return when the provider does.', { kind: 'error', key: 'provider' });
          break;
        default: break;
      }
    },
    onAudio: (pcm) => audio.play(pcm),
    onState({ state, attempt, delayMs }) {
      if (state === 'open' || state === 'connecting') {
        if (state === 'open') banner.hidden = true;
        return;
      }
      banner.hidden = false;
      if (state === 'reconnecting') {
        banner.replaceChildren(h('span', null, `Connection lost. Reconnecting in ${Math.ceil(delayMs / 1000)} s (attempt ${attempt} of ${MAX_TRIES})… Your code is saved on this device.`),
          retryButton('Retry now'));
      } else if (state === 'lost') {
        banner.replaceChildren(h('span', null, 'Connection lost. We could not reconnect. Your code is saved on this device.'), retryButton('Retry'));
      } else if (state === 'replaced') {
        banner.replaceChildren(h('span', null, 'This interview is open in another tab or window, which now has the connection.'), retryButton('Use it here'));
      }
    },
    onEnded: () => leave(),
    onGone: () => { toast('This interview is no longer available.', { kind: 'error' }); navigate('/dashboard'); },
  });
  function retryButton(label) {
    return h('button', { type: 'button', class: 'btn btn-small', onclick: () => socket.retry() }, label);
  }

  const said = new Map(); // itemId -> the line's text node: deltas append, the final text replaces
  function addTranscript(message) {
    let text = said.get(message.itemId);
    if (!text) {
      text = document.createTextNode('');
      said.set(message.itemId, text);
      const who = message.role === 'user' ? 'You' : 'Interviewer';
      transcript.append(h('li', { class: `said said-${message.role}` }, h('strong', null, `${who}: `), text));
    }
    // the final text replaces the deltas (after a barge-in it is what was heard), unless it is empty
    text.data = message.final ? message.text || text.data : text.data + message.text;
    transcript.scrollTop = transcript.scrollHeight;
  }

  // ---- run and submit ----
  let runSeq = 0;
  async function execute(mode) {
    const code = editor.getCode();
    if (codeTooBig(code)) {
      output.error('Your code is over 50 KB. Shorten it, then run again.');
      return;
    }
    sendCode();
    const seq = ++runSeq;
    runButton.disabled = true;
    submitButton.disabled = true;
    output.running(mode);
    const abort = new AbortController();
    const timeout = setTimeout(() => abort.abort(), RUN_TIMEOUT_MS);
    try {
      const result = await api(`/api/sessions/${sessionId}/execute`, { method: 'POST', body: { code, language, mode }, signal: abort.signal });
      if (seq === runSeq) output.show(result, mode);
    } catch (err) {
      if (seq !== runSeq) return;
      if (err.name === 'AbortError') output.error(`No result after ${RUN_TIMEOUT_MS / 1000} seconds. The runner may be busy: try again.`);
      else if (err.status === 429) output.error(`You can run code a few times a minute. ${err.message}`);
      else if (err.code === 'sandbox_unavailable') output.error('The code runner is unavailable right now. Keep talking it through, and try again in a moment.');
      else output.error(err.message);
    } finally {
      clearTimeout(timeout);
      if (seq === runSeq) {
        runButton.disabled = false;
        submitButton.disabled = false;
      }
    }
  }
  runButton.addEventListener('click', () => execute('run'));
  submitButton.addEventListener('click', () => execute('submit'));

  // ---- ending ----
  endButton.addEventListener('click', async () => {
    if (!(await dialog.ask())) return;
    endButton.disabled = true;
    endButton.textContent = 'Ending…';
    sendCode();
    if (!socket.send({ type: 'session.end' })) {
      try {
        await api(`/api/sessions/${sessionId}/end`, { method: 'POST' });
      } catch (err) {
        endButton.disabled = false;
        endButton.textContent = 'End interview';
        toast(err.message, { kind: 'error' });
        return;
      }
      leave();
    }
    setTimeout(() => leave(), 5_000); // the socket's session.ended normally comes first
  });

  function leave() {
    if (leaving) return;
    leaving = true;
    navigate(`/sessions/${sessionId}/summary`);
  }

  // ---- start: sound, microphone, socket ----
  try {
    await audio.init();
  } catch {
    toast('Audio could not start in this browser. You can still code; the interviewer will not be heard.', { kind: 'error' });
  }
  startMic();
  socket.start(handed ? handed.wsToken : null);
  setStatus('listening');
  aiStatus.querySelector('.ai-text').textContent = 'Connecting…';

  return async () => {
    leaving = true;
    clearInterval(tick);
    clearTimeout(debounce);
    clearTimeout(statusTimer);
    socket.close();
    await audio.release();
    editor.destroy();
    dialog.el.remove();
    document.body.classList.remove('in-room');
  };
}

function readLocal(key) {
  try {
    const saved = JSON.parse(localStorage.getItem(key) || 'null');
    return saved && typeof saved.code === 'string' ? saved : null;
  } catch {
    return null;
  }
}

function confirmDialog() {
  const yes = h('button', { type: 'button', class: 'btn btn-danger' }, 'End interview');
  const no = h('button', { type: 'button', class: 'btn btn-ghost', autofocus: true }, 'Keep going');
  const el = h('dialog', { class: 'dialog', 'aria-labelledby': 'end-title' },
    h('h2', { id: 'end-title' }, 'End the interview now?'),
    h('p', null, 'Your code and the conversation are saved and evaluated. You cannot return to this interview.'),
    h('div', { class: 'actions' }, no, yes));
  return {
    el,
    ask() {
      return new Promise((resolve) => {
        const done = (answer) => {
          yes.onclick = null;
          no.onclick = null;
          el.onclose = null;
          if (el.open) el.close();
          resolve(answer);
        };
        yes.onclick = () => done(true);
        no.onclick = () => done(false);
        el.onclose = () => done(false);
        el.showModal();
      });
    },
  };
}
