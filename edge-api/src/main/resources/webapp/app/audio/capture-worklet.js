// Microphone → PCM16 LE mono 24 kHz in 100 ms frames, on the audio thread.
// Resamples from the context's rate (44.1/48 kHz devices, Firefox) with a one-pole low-pass
// against aliasing and linear interpolation. Voice-activity detection: a frame is sent when its
// RMS is over the threshold, together with the frame before it (word onsets) and the frames of a
// hangover after it (word ends, and the quiet the interviewer's turn detection listens for);
// the rest of the silence is never sent.
const TARGET_RATE = 24000;
const FRAME_SAMPLES = 2400; // 100 ms at 24 kHz

class PcmCapture extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const opts = (options && options.processorOptions) || {};
    this.threshold = opts.threshold ?? 0.01;
    this.hangoverFrames = opts.hangoverFrames ?? 7;
    this.ratio = sampleRate / TARGET_RATE;
    this.alpha = this.ratio > 1 ? 1 - Math.exp((-2 * Math.PI * 10000) / sampleRate) : 1;
    this.lowpassed = 0;
    this.t = 0;
    this.prev = 0;
    this.frame = new Int16Array(FRAME_SAMPLES);
    this.fill = 0;
    this.sumSquares = 0;
    this.preroll = null;
    this.hangover = 0;
    this.muted = false;
    this.stopped = false;
    this.captured = 0;
    this.sent = 0;
    this.port.onmessage = (event) => {
      if (event.data.type === 'mute') {
        this.muted = event.data.muted;
        this.hangover = 0;
        this.preroll = null;
      } else if (event.data.type === 'stop') {
        this.stopped = true;
      }
    };
  }

  process(inputs) {
    if (this.stopped) return false;
    const input = inputs[0] && inputs[0][0];
    if (!input || input.length === 0) return true;
    const n = input.length;
    const filtered = new Float32Array(n);
    for (let i = 0; i < n; i += 1) {
      this.lowpassed += this.alpha * (input[i] - this.lowpassed);
      filtered[i] = this.lowpassed;
    }
    let t = this.t;
    while (t <= n - 1) {
      const i = Math.floor(t);
      const frac = t - i;
      const a = i < 0 ? this.prev : filtered[i];
      const b = i + 1 < n ? filtered[i + 1] : a;
      this.push(a + (b - a) * frac);
      t += this.ratio;
    }
    this.t = t - n;
    this.prev = filtered[n - 1];
    return true;
  }

  push(sample) {
    const s = Math.max(-1, Math.min(1, sample));
    this.sumSquares += s * s;
    this.frame[this.fill] = s < 0 ? s * 0x8000 : s * 0x7fff;
    this.fill += 1;
    if (this.fill === FRAME_SAMPLES) this.frameDone();
  }

  frameDone() {
    const rms = Math.sqrt(this.sumSquares / FRAME_SAMPLES);
    const frame = this.frame.slice();
    this.fill = 0;
    this.sumSquares = 0;
    this.captured += 1;
    let speaking = false;
    if (this.muted) {
      // nothing leaves a muted microphone
    } else if (rms >= this.threshold) {
      if (this.hangover === 0 && this.preroll) this.send(this.preroll);
      this.preroll = null;
      this.hangover = this.hangoverFrames;
      this.send(frame);
      speaking = true;
    } else if (this.hangover > 0) {
      this.hangover -= 1;
      this.send(frame);
      speaking = this.hangover > 0;
    } else {
      this.preroll = frame;
    }
    this.port.postMessage({ type: 'level', rms, speaking, captured: this.captured, sent: this.sent });
  }

  send(frame) {
    this.sent += 1;
    this.port.postMessage({ type: 'audio', pcm: frame.buffer }, [frame.buffer]);
  }
}

registerProcessor('pcm-capture', PcmCapture);
