// The room's audio: one AudioContext, the microphone through the capture worklet (frames out via
// onFrame), the interviewer through the playback worklet. Resumed on a gesture and when the tab
// becomes visible; everything released by release().
import { diagnostics } from '../../lib/diagnostics.js';

const CAPTURE_URL = new URL('../../audio/capture-worklet.js', import.meta.url);
const PLAYBACK_URL = new URL('../../audio/playback-worklet.js', import.meta.url);

export class InterviewAudio {
  constructor({ onFrame, onLevel, onPlayback, onContextState }) {
    this.onFrame = onFrame;
    this.onLevel = onLevel;
    this.onPlayback = onPlayback;
    this.onContextState = onContextState;
    this.ctx = null;
    this.stream = null;
    this.source = null;
    this.capture = null;
    this.sink = null;
    this.playback = null;
    this.muted = false;
    this.released = false;
    this.resume = () => {
      if (this.ctx && this.ctx.state === 'suspended' && !this.released) this.ctx.resume().catch(() => {});
    };
    this.onVisibility = () => {
      if (document.visibilityState === 'visible') this.resume();
    };
  }

  /** Creates the context and the playback path; the microphone comes with startMicrophone(). */
  async init() {
    this.ctx = new AudioContext({ latencyHint: 'interactive' });
    this.ctx.onstatechange = () => {
      if (!this.ctx) return;
      diagnostics.audio.contextState = this.ctx.state;
      this.onContextState(this.ctx.state);
    };
    diagnostics.audio.contextState = this.ctx.state;
    await Promise.all([this.ctx.audioWorklet.addModule(CAPTURE_URL), this.ctx.audioWorklet.addModule(PLAYBACK_URL)]);
    this.playback = new AudioWorkletNode(this.ctx, 'pcm-playback', { numberOfInputs: 0, outputChannelCount: [1] });
    this.playback.port.onmessage = (event) => {
      diagnostics.audio.samplesPlayed = event.data.played;
      diagnostics.audio.samplesQueued = event.data.queued;
      this.onPlayback(event.data);
    };
    this.playback.connect(this.ctx.destination);
    document.addEventListener('pointerdown', this.resume, true);
    document.addEventListener('keydown', this.resume, true);
    document.addEventListener('visibilitychange', this.onVisibility);
    this.onContextState(this.ctx.state);
    this.resume();
  }

  /** Asks for the microphone; throws the browser's error (NotAllowedError, NotFoundError, ...). */
  async startMicrophone() {
    this.stopMicrophone();
    this.stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 },
    });
    if (this.released) {
      this.stopMicrophone();
      return;
    }
    this.source = this.ctx.createMediaStreamSource(this.stream);
    this.capture = new AudioWorkletNode(this.ctx, 'pcm-capture', { numberOfOutputs: 1, outputChannelCount: [1] });
    this.capture.port.onmessage = (event) => {
      const message = event.data;
      if (message.type === 'audio') {
        diagnostics.audio.framesSent += 1;
        this.onFrame(message.pcm);
      } else if (message.type === 'level') {
        diagnostics.audio.framesCaptured = message.captured;
        this.onLevel(message);
      }
    };
    // the capture node outputs silence; connecting it keeps it pulled by the graph
    this.sink = this.ctx.createGain();
    this.sink.gain.value = 0;
    this.source.connect(this.capture).connect(this.sink).connect(this.ctx.destination);
    this.setMuted(this.muted);
    this.resume();
  }

  setMuted(muted) {
    this.muted = muted;
    if (this.capture) this.capture.port.postMessage({ type: 'mute', muted });
    if (this.stream) for (const track of this.stream.getAudioTracks()) track.enabled = !muted;
  }

  play(pcm) {
    if (this.playback) this.playback.port.postMessage({ type: 'pcm', pcm }, [pcm]);
  }

  /** Barge-in: drop everything queued for playback at once. */
  clearPlayback() {
    diagnostics.audio.playbackClears += 1;
    if (this.playback) this.playback.port.postMessage({ type: 'clear' });
  }

  stopMicrophone() {
    if (this.capture) {
      this.capture.port.postMessage({ type: 'stop' });
      this.capture.port.onmessage = null;
      this.capture.disconnect();
      this.capture = null;
    }
    if (this.source) {
      this.source.disconnect();
      this.source = null;
    }
    if (this.sink) {
      this.sink.disconnect();
      this.sink = null;
    }
    if (this.stream) {
      for (const track of this.stream.getTracks()) track.stop();
      this.stream = null;
    }
  }

  async release() {
    this.released = true;
    this.stopMicrophone();
    document.removeEventListener('pointerdown', this.resume, true);
    document.removeEventListener('keydown', this.resume, true);
    document.removeEventListener('visibilitychange', this.onVisibility);
    if (this.playback) {
      this.playback.port.postMessage({ type: 'stop' });
      this.playback.port.onmessage = null;
      this.playback.disconnect();
      this.playback = null;
    }
    if (this.ctx) {
      const ctx = this.ctx;
      this.ctx = null;
      await ctx.close().catch(() => {});
    }
  }
}

/** What to tell a candidate whose microphone did not start. */
export function microphoneProblem(err) {
  switch (err && err.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Microphone access is blocked. Allow it for this site (the icon left of the address), then press Retry.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No microphone was found. Plug one in, then press Retry.';
    case 'NotReadableError':
      return 'Your microphone is in use by another application. Close it, then press Retry.';
    default:
      return 'The microphone could not be started. Press Retry, or reload the page.';
  }
}
