// The replay on the summary page: the interview's audio on one timeline with a scrubber, the
// transcript line being spoken highlighted, the code as it was at that moment, and the test runs
// marked along the way. Every position is milliseconds after the recording's first sample
// (`startedAt`); a transcript line or a snapshot sits at its server time minus that origin.
// Without a recording (404) the same timeline steps through transcript and code, silently.
// Text from the candidate, the interviewer or a program only ever goes in as text nodes.
import { api, ApiError } from '../../lib/api.js';
import { append, h, id } from '../../lib/dom.js';
import { MonoTimeline } from './wav.js';

const STEP_MS = 1_000;

/**
 * The replay card. `load(tag)` (re)reads the timeline and the recording; the summary calls it on
 * its first evaluation answer and again once the evaluation is completed, because only then is
 * everything stored (the final snapshot, the last transcript lines, the last audio chunk).
 * `seek(ref)` moves to an evidence reference (transcript:…, snapshot:…, test:…).
 */
export function replaySection(sessionId) {
  const titleId = id('replay-title');
  const status = h('p', { class: 'replay-status muted', role: 'status' }, 'Loading the replay…');
  const section = h('section', { class: 'card replay', 'aria-labelledby': titleId, 'data-replay': 'loading' },
    h('h2', { id: titleId }, 'Replay'), status);
  let player = null;
  let pending = null;
  let gone = false;
  let generation = 0;
  return {
    section,
    load(tag) {
      // playback already under way is not interrupted: its timeline stays as it is
      if (player?.audio) return;
      const mine = ++generation;
      load(sessionId).then((data) => {
        if (gone || mine !== generation || player?.audio) return;
        const at = player ? player.currentMs() : 0;
        player?.destroy();
        player = new Player(section, status, data, sessionId);
        if (pending) player.seekRef(pending);
        else if (at) player.seek(at);
        pending = null;
        section.dataset.loadedFor = tag;
      }).catch((err) => {
        if (gone || mine !== generation) return;
        if (!player) section.dataset.replay = 'failed';
        status.textContent = `Could not load the replay: ${err.message}`;
      });
    },
    seek(ref) {
      if (player) player.seekRef(ref);
      else pending = ref;
      section.scrollIntoView({ block: 'start' });
    },
    cleanup() {
      gone = true;
      player?.destroy();
    },
  };
}

async function load(sessionId) {
  const timeline = await api(`/api/sessions/${sessionId}/timeline`);
  // asked only when the timeline says audio is stored; a 404 (e.g. purged meanwhile) still means none
  const recording = !timeline.recorded ? null : await api(`/api/sessions/${sessionId}/recording`).catch((err) => {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  });
  return { timeline, recording };
}

class Player {
  constructor(section, status, { timeline, recording }, sessionId) {
    this.section = section;
    this.status = status;
    this.sessionId = sessionId;
    this.recording = recording;
    this.audio = null;
    this.audioUrl = null;
    this.loading = null;
    this.frame = 0;
    const times = [...timeline.transcript.map((l) => l.at), ...timeline.snapshots.map((s) => s.at)].map(Date.parse);
    // the origin: the recording's first sample; without one, the session's start (or its first event)
    this.origin = recording ? Date.parse(recording.startedAt)
      : Date.parse(timeline.startedAt || '') || (times.length ? Math.min(...times) : Date.now());
    const end = Math.max(Date.parse(timeline.endedAt || '') || 0, ...times);
    this.duration = Math.max(1_000, recording ? recording.durationMs : end - this.origin);
    const offset = (iso) => Math.min(this.duration, Math.max(0, Date.parse(iso) - this.origin));
    this.lines = timeline.transcript.map((l) => ({ ...l, ms: offset(l.at) }));
    this.snapshots = timeline.snapshots.map((s) => ({ ...s, ms: offset(s.at) }));
    this.runs = this.snapshots.filter((s) => s.run);
    this.position = 0;
    this.build(timeline);
    this.render();
    section.dataset.replay = recording ? 'audio' : 'silent';
  }

  build(timeline) {
    const scrubberId = id('replay-position');
    this.play = h('button', { type: 'button', class: 'btn btn-primary btn-small replay-play', onclick: () => this.toggle() }, 'Play');
    if (!this.recording) this.play.disabled = true;
    const previous = h('button', { type: 'button', class: 'btn btn-ghost btn-small', onclick: () => this.step(-1) }, '◀ Previous moment');
    const next = h('button', { type: 'button', class: 'btn btn-ghost btn-small', onclick: () => this.step(1) }, 'Next moment ▶');
    this.scrubber = h('input', { type: 'range', id: scrubberId, class: 'replay-scrubber', min: '0', max: String(this.duration),
      step: String(STEP_MS), value: '0' });
    this.scrubber.addEventListener('input', () => this.seek(Number(this.scrubber.value)));
    // Home and End go to the very start and end: the range's whole-second steps can stop short of
    // them (and fire nothing when the rounded value does not change)
    this.scrubber.addEventListener('keydown', (event) => {
      if (event.key === 'End' || event.key === 'Home') {
        event.preventDefault();
        this.seek(event.key === 'End' ? this.duration : 0);
      }
    });
    this.clock = h('span', { class: 'replay-clock', 'aria-hidden': 'true' });
    let runNumber = 0;
    this.marks = h('div', { class: 'replay-marks' }, this.runs.map((run, i) => {
      const name = run.run.gradedAtEnd ? 'Final grading' : `Run ${(runNumber += 1)}`;
      const mark = h('button', { type: 'button', class: `replay-mark ${run.run.passed === run.run.total ? 'mark-pass' : 'mark-fail'}`,
        'data-run': String(i), onclick: () => this.seek(run.ms) }, name);
      mark.setAttribute('aria-label', `${name} at ${mmss(run.ms)}: ${run.run.passed} of ${run.run.total} tests passed`);
      mark.style.left = `${(run.ms / this.duration) * 100}%`;
      return mark;
    }));
    this.lineItems = this.lines.map((line) => h('li', null,
      h('button', { type: 'button', class: `replay-line role-${line.role}`, 'data-item': line.itemId, 'data-ms': String(line.ms),
        onclick: () => this.seek(line.ms) },
      h('span', { class: 'replay-line-time' }, mmss(line.ms)), ' ',
      h('span', { class: 'replay-line-role' }, line.role === 'user' ? 'You' : 'Interviewer'), ' ',
      h('span', { class: 'replay-line-text' }, line.text))));
    this.transcript = h('ol', { class: 'replay-transcript', 'aria-label': 'Transcript' }, this.lineItems);
    this.codeCaption = h('figcaption', { class: 'replay-code-caption' });
    this.code = h('code');
    this.runNote = h('p', { class: 'replay-run muted small' });
    const unavailable = this.recording ? null
      : h('p', { class: 'notice replay-unavailable' }, 'Recording unavailable: there is no audio for this interview (recording was off, or it has expired). You can still step through the transcript and the code.');
    this.status.textContent = this.recording
      ? `Audio recorded: ${mmss(this.duration)}. Press Play to load it.`
      : 'Stepping through the transcript and the code.';
    this.root = h('div', { class: 'replay-body' });
    this.section.append(this.root);
    append(this.root, [
      unavailable,
      h('div', { class: 'replay-controls' },
        this.play, previous, next,
        h('label', { for: scrubberId, class: 'visually-hidden' }, 'Position in the interview'),
        h('div', { class: 'replay-track' }, this.scrubber, this.marks),
        this.clock),
      timeline.truncated ? h('p', { class: 'muted small' }, 'This interview is long: the replay shows its first 2,000 lines and 1,000 code snapshots.') : null,
      h('div', { class: 'replay-panes' },
        h('div', { class: 'replay-transcript-pane' }, h('h3', null, 'Transcript'),
          this.lines.length ? this.transcript : h('p', { class: 'muted' }, 'Nothing was transcribed.')),
        h('figure', { class: 'replay-code' }, this.codeCaption, h('pre', null, this.code), this.runNote))]);
  }

  /** The moments the Previous/Next buttons step between: lines, snapshots, and the start. */
  moments() {
    return [...new Set([0, ...this.lines.map((l) => l.ms), ...this.snapshots.map((s) => s.ms)])].sort((a, b) => a - b);
  }

  step(direction) {
    const now = this.currentMs();
    const moments = this.moments();
    const target = direction > 0 ? moments.find((m) => m > now + 50) : [...moments].reverse().find((m) => m < now - 50);
    if (target !== undefined) this.seek(target);
  }

  seekRef(ref) {
    const [kind, key, outcome] = String(ref).split(':');
    let ms = null;
    if (kind === 'transcript') ms = this.lines.find((l) => l.itemId === key)?.ms;
    else if (kind === 'snapshot') ms = this.snapshots.find((s) => s.snapshotId === key)?.ms;
    else if (kind === 'test') {
      const passed = outcome === 'passed';
      ms = this.runs.find((s) => s.run.tests.some((t) => t.id === key && t.passed === passed))?.ms;
    }
    if (ms != null) this.seek(ms);
  }

  currentMs() {
    return this.audio ? Math.round(this.audio.currentTime * 1000) : this.position;
  }

  seek(ms) {
    const clamped = Math.max(0, Math.min(this.duration, ms));
    this.position = clamped;
    if (this.audio) this.audio.currentTime = clamped / 1000;
    this.render();
  }

  async toggle() {
    if (!this.audio) {
      await this.loadAudio();
      if (!this.audio) return;
    }
    if (this.audio.paused) await this.audio.play();
    else this.audio.pause();
  }

  async loadAudio() {
    if (this.loading) return this.loading;
    this.play.disabled = true;
    this.loading = (async () => {
      try {
        const blob = await this.fetchAudio();
        this.audioUrl = URL.createObjectURL(blob);
        const audio = h('audio', { class: 'replay-audio', preload: 'auto' });
        audio.src = this.audioUrl;
        audio.addEventListener('play', () => { this.play.textContent = 'Pause'; this.tick(); });
        audio.addEventListener('pause', () => { this.play.textContent = 'Play'; cancelAnimationFrame(this.frame); this.render(); });
        audio.addEventListener('ended', () => { this.play.textContent = 'Play'; this.render(); });
        audio.addEventListener('seeked', () => this.render());
        await new Promise((resolve, reject) => {
          audio.addEventListener('loadedmetadata', resolve, { once: true });
          audio.addEventListener('error', () => reject(new Error('the browser could not decode the audio')), { once: true });
        });
        audio.currentTime = this.position / 1000;
        this.root.append(audio);
        this.audio = audio;
        this.status.textContent = `Audio loaded: ${mmss(this.duration)}.`;
        this.section.dataset.replay = 'playable';
      } catch (err) {
        this.status.textContent = `Could not load the audio: ${err.message}`;
        this.loading = null;
      } finally {
        this.play.disabled = false;
      }
    })();
    return this.loading;
  }

  /** Every chunk, in order, mixed into one WAV as it arrives; presigned URLs that expired are fetched again once. */
  async fetchAudio() {
    let recording = this.recording;
    const timeline = new MonoTimeline(this.duration);
    for (let i = 0; i < recording.chunks.length; i += 1) {
      this.status.textContent = `Loading audio: part ${i + 1} of ${recording.chunks.length}…`;
      let response = await fetch(recording.chunks[i].url, { credentials: 'omit' }).catch(() => null);
      if (!response || !response.ok) {
        recording = await api(`/api/sessions/${this.sessionId}/recording`);
        response = await fetch(recording.chunks[i].url, { credentials: 'omit' });
        if (!response.ok) throw new Error(`part ${i + 1} answered ${response.status}`);
      }
      timeline.add(recording.chunks[i].startMs, await response.arrayBuffer());
    }
    return timeline.blob();
  }

  tick() {
    cancelAnimationFrame(this.frame);
    this.render();
    if (this.audio && !this.audio.paused) this.frame = requestAnimationFrame(() => this.tick());
  }

  render() {
    const now = this.currentMs();
    this.position = now;
    this.scrubber.value = String(now);
    this.scrubber.setAttribute('aria-valuetext', `${spoken(now)} of ${spoken(this.duration)}`);
    this.clock.textContent = `${mmss(now)} / ${mmss(this.duration)}`;
    this.section.dataset.position = String(now);

    const active = lastAtOrBefore(this.lines, now);
    this.lineItems.forEach((li, i) => {
      const button = li.firstChild;
      const on = this.lines[i] === active;
      button.classList.toggle('active', on);
      if (on) button.setAttribute('aria-current', 'true');
      else button.removeAttribute('aria-current');
    });
    if (active) {
      const item = this.lineItems[this.lines.indexOf(active)];
      const box = this.transcript;
      if (item.offsetTop < box.scrollTop || item.offsetTop + item.offsetHeight > box.scrollTop + box.clientHeight) {
        box.scrollTop = item.offsetTop - box.clientHeight / 3;
      }
    }

    const snapshot = lastAtOrBefore(this.snapshots, now);
    this.code.textContent = snapshot ? snapshot.code : '';
    this.section.dataset.snapshot = snapshot ? snapshot.snapshotId : '';
    this.codeCaption.textContent = snapshot
      ? `Code at ${mmss(now)} (saved at ${mmss(snapshot.ms)}, ${SNAPSHOT_KINDS[snapshot.type] || snapshot.type})`
      : `No code yet at ${mmss(now)}.`;
    const run = lastAtOrBefore(this.runs, now);
    this.runNote.textContent = run
      ? `${run.run.gradedAtEnd ? 'Final grading' : 'Last run'} at ${mmss(run.ms)}: ${run.run.passed} of ${run.run.total} tests passed${run.run.verdict ? ` (${run.run.verdict.replace(/_/g, ' ')})` : ''}.`
      : 'No run yet.';
  }

  destroy() {
    this.root?.remove();
    cancelAnimationFrame(this.frame);
    if (this.audio) this.audio.pause();
    if (this.audioUrl) URL.revokeObjectURL(this.audioUrl);
  }
}

const SNAPSHOT_KINDS = { auto: 'autosave', manual: 'saved', execution: 'run', final: 'final code' };

function lastAtOrBefore(items, ms) {
  let found = null;
  for (const item of items) {
    if (item.ms <= ms) found = item;
    else break;
  }
  return found;
}

export function mmss(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

function spoken(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(total / 60);
  const s = total % 60;
  return `${m} minute${m === 1 ? '' : 's'} ${s} second${s === 1 ? '' : 's'}`;
}
