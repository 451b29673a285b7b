// Joining the recording's chunks into one playable file. Each chunk is a self-contained 16-bit PCM
// WAV (stereo: the candidate left, the interviewer right). The replay mixes both sides to mono (one
// voice per ear sounds odd on headphones, and it halves the memory: ~86 MB for 30 minutes) and lays
// every chunk at its startMs, so a lost chunk is silence rather than a shift of everything after it.

/** Reads a PCM WAV: its format and its samples (a copy, so odd data offsets are fine). */
export function parseWav(buffer) {
  const view = new DataView(buffer);
  const tag = (at) => String.fromCharCode(view.getUint8(at), view.getUint8(at + 1), view.getUint8(at + 2), view.getUint8(at + 3));
  if (buffer.byteLength < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not a WAV file');
  let format = null;
  for (let at = 12; at + 8 <= buffer.byteLength;) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      format = {
        encoding: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!format || format.encoding !== 1 || format.bits !== 16 || format.channels < 1 || format.channels > 2) {
        throw new Error('not 16-bit PCM mono or stereo');
      }
      const length = Math.min(size, buffer.byteLength - body) & ~1;
      return { ...format, samples: new Int16Array(buffer.slice(body, body + length)) };
    }
    at = body + size + (size & 1);
  }
  throw new Error('a WAV file without data');
}

/**
 * A mono timeline of `durationMs` that chunks are mixed into as they arrive, so only one chunk's
 * bytes are held besides the result. The first chunk sets the sample rate; the others must agree.
 */
export class MonoTimeline {
  constructor(durationMs) {
    this.durationMs = durationMs;
    this.rate = 0;
    this.out = null;
  }

  add(startMs, bytes) {
    const wav = parseWav(bytes);
    if (!this.out) {
      this.rate = wav.sampleRate;
      this.out = new Int16Array(Math.ceil((this.durationMs * this.rate) / 1000));
    } else if (wav.sampleRate !== this.rate) {
      throw new Error('the parts of the recording disagree on the sample rate');
    }
    const start = Math.round((startMs * this.rate) / 1000);
    const count = Math.min(wav.samples.length / wav.channels, this.out.length - start);
    if (count <= 0) return;
    if (wav.channels === 2) {
      for (let i = 0; i < count; i += 1) this.out[start + i] = (wav.samples[2 * i] + wav.samples[2 * i + 1]) >> 1;
    } else {
      this.out.set(wav.samples.subarray(0, count), start);
    }
  }

  blob() {
    const out = this.out || new Int16Array(0);
    return new Blob([header(out.byteLength, this.rate || 24_000), out.buffer], { type: 'audio/wav' });
  }
}

function header(dataBytes, rate) {
  const view = new DataView(new ArrayBuffer(44));
  const put = (at, text) => [...text].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  put(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  put(36, 'data');
  view.setUint32(40, dataBytes, true);
  return view.buffer;
}
