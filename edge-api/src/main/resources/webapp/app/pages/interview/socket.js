// The interview's WebSocket (docs/wire-protocol.md): a one-time token in the sub-protocol, and
// after a drop a reconnect with a fresh token, backing off 1, 2, 4, 8, 16 s (±20 % jitter, never
// over 30 s), at most 5 tries; then the room shows "Connection lost" and offers retry().
import { api } from '../../lib/api.js';
import { diagnostics } from '../../lib/diagnostics.js';

export const MAX_TRIES = 5;
const MAX_DELAY_MS = 30_000;
const AUDIO_BACKLOG_BYTES = 256 * 1024;

export class InterviewSocket {
  /**
   * handlers: onReady(msg), onMessage(msg), onAudio(ArrayBuffer),
   * onState({state: 'connecting'|'open'|'reconnecting'|'lost'|'replaced', attempt, delayMs}),
   * onEnded(reason), onGone() (the session is not ours or does not exist).
   */
  constructor(sessionId, handlers) {
    this.sessionId = sessionId;
    this.handlers = handlers;
    this.ws = null;
    this.attempt = 0;
    this.timer = 0;
    this.closed = false;
    this.ended = false;
  }

  start(token) {
    this.handlers.onState({ state: 'connecting' });
    if (token) this.open(token);
    else this.connectWithFreshToken();
  }

  get isOpen() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN && this.ready;
  }

  send(message) {
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  sendAudio(pcm) {
    if (!this.isOpen || this.ws.bufferedAmount > AUDIO_BACKLOG_BYTES) return false;
    this.ws.send(pcm);
    return true;
  }

  /** The banner's button: start over with a fresh token now. */
  retry() {
    clearTimeout(this.timer);
    this.attempt = 0;
    this.handlers.onState({ state: 'connecting' });
    this.connectWithFreshToken();
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.ws) {
      this.ws.onclose = null;
      this.ws.onmessage = null;
      this.ws.close(1000);
      this.ws = null;
    }
  }

  open(token) {
    if (this.closed) return;
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    let ws;
    try {
      ws = new WebSocket(url, ['interview.v1', token]);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    this.ready = false;
    ws.binaryType = 'arraybuffer';
    diagnostics.socket.connects += 1;
    ws.onmessage = (event) => {
      if (typeof event.data !== 'string') {
        this.handlers.onAudio(event.data);
        return;
      }
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message.type === 'session.ready') {
        this.ready = true;
        this.attempt = 0;
        this.handlers.onState({ state: 'open' });
        this.handlers.onReady(message);
      } else if (message.type === 'session.ended') {
        this.ended = true;
        this.handlers.onEnded(message.reason);
      } else {
        this.handlers.onMessage(message);
      }
    };
    ws.onclose = (event) => {
      if (this.ws !== ws || this.closed) return;
      this.ws = null;
      this.ready = false;
      if (this.ended || event.code === 1000) {
        this.ended = true;
        this.handlers.onEnded('closed');
      } else if (event.code === 4002) {
        this.handlers.onState({ state: 'replaced' });
      } else {
        this.scheduleReconnect();
      }
    };
  }

  scheduleReconnect() {
    if (this.closed) return;
    this.attempt += 1;
    if (this.attempt > MAX_TRIES) {
      this.handlers.onState({ state: 'lost' });
      return;
    }
    const base = Math.min(MAX_DELAY_MS, 1000 * 2 ** (this.attempt - 1));
    const delayMs = Math.min(MAX_DELAY_MS, Math.round(base * (0.8 + Math.random() * 0.4)));
    this.handlers.onState({ state: 'reconnecting', attempt: this.attempt, delayMs });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connectWithFreshToken(), delayMs);
  }

  async connectWithFreshToken() {
    if (this.closed) return;
    let token;
    try {
      diagnostics.socket.tokensFetched += 1;
      ({ token } = await api('/api/realtime/token', { method: 'POST', body: { sessionId: this.sessionId } }));
    } catch (err) {
      if (this.closed) return;
      if (err.status === 409) {
        this.ended = true;
        this.handlers.onEnded('ended');
      } else if (err.status === 404) {
        this.handlers.onGone();
      } else {
        this.scheduleReconnect();
      }
      return;
    }
    this.open(token);
  }
}
