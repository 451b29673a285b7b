// The interviewer's PCM16 mono 24 kHz → the context's rate, played from a queue that empties at
// once on {type:'clear'} (barge-in). Reports how many 24 kHz samples it has actually played.
const SOURCE_RATE = 24000;

class PcmPlayback extends AudioWorkletProcessor {
  constructor() {
    super();
    this.queue = [];
    this.index = 0;
    this.frac = 0;
    this.step = SOURCE_RATE / sampleRate;
    this.played = 0;
    this.queued = 0;
    this.reportIn = 0;
    this.stopped = false;
    this.port.onmessage = (event) => {
      const { type } = event.data;
      if (type === 'pcm') {
        const chunk = new Int16Array(event.data.pcm);
        if (chunk.length) {
          this.queue.push(chunk);
          this.queued += chunk.length;
        }
      } else if (type === 'clear') {
        this.queue = [];
        this.index = 0;
        this.frac = 0;
        this.queued = 0;
        this.report();
      } else if (type === 'stop') {
        this.stopped = true;
      }
    };
  }

  peek(offset) {
    let index = this.index + offset;
    for (const chunk of this.queue) {
      if (index < chunk.length) return chunk[index] / 0x8000;
      index -= chunk.length;
    }
    return null;
  }

  advance() {
    this.index += 1;
    this.played += 1;
    this.queued -= 1;
    if (this.index >= this.queue[0].length) {
      this.queue.shift();
      this.index = 0;
    }
  }

  process(_inputs, outputs) {
    if (this.stopped) return false;
    const out = outputs[0][0];
    const wasPlaying = this.queue.length > 0;
    for (let i = 0; i < out.length; i += 1) {
      const a = this.queue.length ? this.peek(0) : null;
      if (a === null) {
        out[i] = 0;
        continue;
      }
      const b = this.peek(1);
      out[i] = b === null ? a : a + (b - a) * this.frac;
      this.frac += this.step;
      while (this.frac >= 1 && this.queue.length) {
        this.frac -= 1;
        this.advance();
      }
    }
    for (let c = 1; c < outputs[0].length; c += 1) outputs[0][c].set(out);
    this.reportIn -= out.length;
    if (this.reportIn <= 0 || (wasPlaying && this.queue.length === 0)) {
      this.report();
      this.reportIn = sampleRate / 10;
    }
    return true;
  }

  report() {
    this.port.postMessage({ type: 'played', played: this.played, queued: this.queued });
  }
}

registerProcessor('pcm-playback', PcmPlayback);
