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

/** One mono 16-bit WAV Blob of `durationMs` from chunks `[{startMs, bytes}]`. */
export function joinWav(parts, durationMs) {
  const decoded = parts.map((p) => ({ startMs: p.startMs, wav: parseWav(p.bytes) }));
  const rate = decoded.length ? decoded[0].wav.sampleRate : 24_000;
  const frames = Math.ceil((durationMs * rate) / 1000);
  const out = new Int16Array(frames);
  for (const { startMs, wav } of decoded) {
    if (wav.sampleRate !== rate) throw new Error('the parts of the recording disagree on the sample rate');
    const start = Math.round((startMs * rate) / 1000);
    const count = Math.min(wav.samples.length / wav.channels, frames - start);
    if (count <= 0) continue;
    if (wav.channels === 2) {
      for (let i = 0; i < count; i += 1) out[start + i] = (wav.samples[2 * i] + wav.samples[2 * i + 1]) >> 1;
    } else {
      out.set(wav.samples.subarray(0, count), start);
    }
  }
  return new Blob([header(out.byteLength, rate), out.buffer], { type: 'audio/wav' });
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
