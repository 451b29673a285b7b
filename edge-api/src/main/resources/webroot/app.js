// A deliberately small client for the embedded default: every call goes through the public
// contract in docs/api.md and docs/wire-protocol.md, so it doubles as an example of both.
'use strict';
const $ = (id) => document.getElementById(id);
const state = { token: null, session: null, ws: null, audio: null, playhead: 0, sent: '' };

async function api(method, path, body) {
  const headers = { 'Content-Type': 'application/json' };
  if (state.token) headers.Authorization = 'Bearer ' + state.token;
  const res = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  const json = text ? JSON.parse(text) : {};
  if (!res.ok) throw new Error(json.detail || json.title || res.statusText);
  return json;
}

$('auth-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const mode = e.submitter.dataset.mode;
  try {
    const res = await api('POST', '/api/auth/' + mode, { email: form.get('email'), password: form.get('password') });
    state.token = res.accessToken;
    $('who').textContent = res.user.email;
    $('auth').hidden = true;
    await showLobby();
  } catch (err) { $('auth-error').textContent = err.message; }
});

async function showLobby() {
  $('lobby').hidden = false;
  try {
    const profile = await api('GET', '/api/users/profile');
    $('credits').textContent = profile.credits;
  } catch (err) { $('credits').textContent = '?'; }
  const problems = await api('GET', '/api/problems?pageSize=100');
  $('problem').innerHTML = '<option value="">Random</option>' + (problems.items || [])
    .map((p) => `<option value="${p.slug}">${escapeHtml(p.title)} (${p.difficulty})</option>`).join('');
}

$('start').addEventListener('click', async () => {
  const body = { language: $('language').value };
  if ($('problem').value) body.problemSlug = $('problem').value;
  try {
    const res = await api('POST', '/api/sessions/start', body);
    state.session = res;
    $('lobby').hidden = true;
    $('room').hidden = false;
    $('problem-title').textContent = res.problem.title;
    $('problem-description').textContent = res.problem.description;
    $('code').value = (res.problem.starterCode || {})[body.language] || '';
    connect(res.sessionId, res.wsToken);
  } catch (err) { $('lobby-error').textContent = err.message; }
});

function connect(sessionId, token) {
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
  const ws = new WebSocket(url, ['interview.v1', token]);
  ws.binaryType = 'arraybuffer';
  state.ws = ws;
  ws.onmessage = (event) => {
    if (event.data instanceof ArrayBuffer) { play(event.data); return; }
    const msg = JSON.parse(event.data);
    switch (msg.type) {
      case 'session.ready': $('status').textContent = 'ready'; break;
      case 'timer': showTimer(msg.remainingMs); break;
      case 'status': $('status').textContent = msg.state; break;
      case 'transcript': showTranscript(msg); break;
      case 'playback.clear': stopPlayback(); break;
      case 'execution.result': showResult(msg); break;
      case 'error': $('status').textContent = 'error: ' + msg.code; break;
      case 'session.ended': $('status').textContent = 'ended (' + msg.reason + ')'; break;
    }
  };
  ws.onclose = async (event) => {
    if (event.code === 4001 || event.code === 1000 || event.code === 4002) return;
    // Network blip: reconnect with a fresh one-time token; the server resumes timer and code.
    setTimeout(async () => {
      try {
        const fresh = await api('POST', '/api/realtime/token', { sessionId });
        connect(sessionId, fresh.token);
      } catch (err) { $('status').textContent = 'disconnected'; }
    }, 1000);
  };
}

let editTimer = null;
$('code').addEventListener('input', () => {
  clearTimeout(editTimer);
  editTimer = setTimeout(() => send({ type: 'code_edit', code: $('code').value, language: state.session && $('language').value }), 400);
});

function send(message) {
  if (state.ws && state.ws.readyState === WebSocket.OPEN) state.ws.send(JSON.stringify(message));
}

for (const [id, mode] of [['run', 'run'], ['submit', 'submit']]) {
  $(id).addEventListener('click', async () => {
    $('result').textContent = 'running…';
    try {
      const res = await api('POST', `/api/sessions/${state.session.sessionId}/execute`,
        { code: $('code').value, language: $('language').value, mode });
      showResult(res);
    } catch (err) { $('result').textContent = err.message; }
  });
}

$('end').addEventListener('click', () => send({ type: 'session.end' }));

window.addEventListener('pagehide', () => {
  if (!state.session) return;
  // The one 'final' snapshot the server accepts after the end.
  const blob = new Blob([JSON.stringify({ code: $('code').value, language: $('language').value,
    snapshotType: 'final', timestampMs: Date.now() })], { type: 'application/json' });
  navigator.sendBeacon && fetch(`/api/sessions/${state.session.sessionId}/code`, {
    method: 'POST', keepalive: true, body: blob,
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + state.token } });
});

$('mic').addEventListener('click', async () => {
  const ctx = ensureAudio();
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true } });
  const source = ctx.createMediaStreamSource(stream);
  const processor = ctx.createScriptProcessor(2048, 1, 1);
  processor.onaudioprocess = (e) => {
    const input = e.inputBuffer.getChannelData(0);
    const pcm = new Int16Array(input.length);
    for (let i = 0; i < input.length; i++) pcm[i] = Math.max(-1, Math.min(1, input[i])) * 0x7fff;
    if (state.ws && state.ws.readyState === WebSocket.OPEN) state.ws.send(pcm.buffer);
  };
  source.connect(processor);
  processor.connect(ctx.destination);
  $('mic').disabled = true;
});

function ensureAudio() {
  // 24 kHz both ways: the wire format is PCM16 LE mono 24 kHz.
  if (!state.audio) state.audio = new AudioContext({ sampleRate: 24000 });
  return state.audio;
}

const playing = [];
function play(buffer) {
  const ctx = ensureAudio();
  const pcm = new Int16Array(buffer);
  const audio = ctx.createBuffer(1, pcm.length, 24000);
  const channel = audio.getChannelData(0);
  for (let i = 0; i < pcm.length; i++) channel[i] = pcm[i] / 0x8000;
  const node = ctx.createBufferSource();
  node.buffer = audio;
  node.connect(ctx.destination);
  state.playhead = Math.max(state.playhead, ctx.currentTime);
  node.start(state.playhead);
  state.playhead += audio.duration;
  playing.push(node);
  node.onended = () => playing.splice(playing.indexOf(node), 1);
}

function stopPlayback() {
  playing.splice(0).forEach((node) => node.stop());
  state.playhead = 0;
}

function showTimer(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  $('timer').textContent = String(Math.floor(s / 60)).padStart(2, '0') + ':' + String(s % 60).padStart(2, '0');
}

function showTranscript(msg) {
  let li = document.querySelector(`li[data-item="${CSS.escape(msg.itemId)}"]`);
  if (!li) {
    li = document.createElement('li');
    li.dataset.item = msg.itemId;
    li.className = msg.role;
    $('transcript').appendChild(li);
  }
  li.textContent = (msg.role === 'assistant' ? 'Interviewer: ' : 'You: ') + (msg.final ? msg.text : (li.dataset.text || '') + msg.text);
  li.dataset.text = msg.final ? msg.text : (li.dataset.text || '') + msg.text;
  li.classList.toggle('partial', !msg.final);
  li.scrollIntoView({ block: 'end' });
}

function showResult(res) {
  const lines = [`verdict: ${res.verdict}  (${res.durationMs} ms)`];
  for (const t of res.tests || []) {
    lines.push(`${t.passed ? '✔' : '✘'} test ${t.id}${t.hidden ? ' (hidden)' : ''}` +
      (t.hidden || t.passed ? '' : `  expected ${JSON.stringify(t.expected)} got ${JSON.stringify(t.actual)}`) +
      (t.error ? '  ' + t.error : ''));
  }
  if (res.stdout) lines.push('stdout:\n' + res.stdout);
  if (res.stderr) lines.push('stderr:\n' + res.stderr);
  $('result').textContent = lines.join('\n');
}

function escapeHtml(s) {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}
