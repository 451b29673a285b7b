// A fake OpenAI Realtime (GA) server for the relay benchmark, written apart from our Java code.
//
// It speaks the way the GA API does for a long spoken answer while the candidate keeps talking:
//   connect          -> session.created
//   session.update   -> session.updated
//   each turn        -> response.created, response.output_item.added, conversation.item.added,
//                       response.content_part.added, then one response.output_audio.delta per
//                       input_audio_buffer.append received (the appended bytes, so the sender can
//                       time the round trip), a response.output_audio_transcript.delta every 5th,
//                       and after TURN_CHUNKS deltas: response.output_audio.done,
//                       response.output_audio_transcript.done, response.content_part.done,
//                       response.output_item.done, response.done with usage; the next append opens
//                       the next turn.
// No server VAD events are sent (they would make the server cancel the answer).
// GET /health answers 200: the benchmark server's SANDBOX_URL points here (no code runs).
//
// Usage: node provider.mjs <port>   (prints "url=ws://127.0.0.1:<port>/v1/realtime" when listening)
import http from 'node:http';
import { WebSocketServer } from 'ws';

const TURN_CHUNKS = Number(process.env.TURN_CHUNKS || 100); // 10 s of audio at 100 ms a chunk
const port = Number(process.argv[2] || 0);

const server = http.createServer((req, res) => {
  res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
  res.end(req.url === '/health' ? '{"status":"ok"}' : '{}');
});
// the real API does not offer compression either way; a client offering it gets none
const wss = new WebSocketServer({ server, perMessageDeflate: false, maxPayload: 16 * 1024 * 1024 });

let ids = 0;
const id = (prefix) => `${prefix}_${(++ids).toString(36)}`;

wss.on('connection', (ws) => {
  let eventN = 0;
  let turn = null;
  // a socket's first answer is cut at random, so that the sockets' answers end at different moments as independent
  // conversations' do: every browser starts within 100 ms of the others, and without it all their responses (and
  // the server's work for each response.done) would fall in the same 100 ms every 10 s
  let firstTurn = true;
  const send = (event) => {
    event.event_id = `event_${++eventN}`;
    ws.send(JSON.stringify(event));
  };
  send({ type: 'session.created', session: { id: id('sess'), object: 'realtime.session', type: 'realtime', model: 'gpt-realtime' } });

  const startTurn = () => {
    const response = { id: id('resp'), object: 'realtime.response', status: 'in_progress', output: [], usage: null };
    const item = { id: id('item'), object: 'realtime.item', type: 'message', role: 'assistant', status: 'in_progress', content: [] };
    turn = { response, item, chunks: 0, transcript: '', length: firstTurn ? 1 + Math.floor(Math.random() * TURN_CHUNKS) : TURN_CHUNKS };
    firstTurn = false;
    send({ type: 'response.created', response });
    send({ type: 'response.output_item.added', response_id: response.id, output_index: 0, item });
    send({ type: 'conversation.item.added', previous_item_id: null, item });
    send({ type: 'response.content_part.added', response_id: response.id, item_id: item.id, output_index: 0, content_index: 0,
      part: { type: 'audio', transcript: '' } });
  };

  const endTurn = () => {
    const { response, item, transcript } = turn;
    const where = { response_id: response.id, item_id: item.id, output_index: 0, content_index: 0 };
    send({ type: 'response.output_audio.done', ...where });
    send({ type: 'response.output_audio_transcript.done', ...where, transcript });
    send({ type: 'response.content_part.done', ...where, part: { type: 'audio', transcript } });
    const done = { ...item, status: 'completed', content: [{ type: 'output_audio', transcript }] };
    send({ type: 'response.output_item.done', response_id: response.id, output_index: 0, item: done });
    send({ type: 'response.done', response: { ...response, status: 'completed', output: [done],
      usage: { total_tokens: 1400, input_tokens: 400, output_tokens: 1000,
        input_token_details: { text_tokens: 100, audio_tokens: 300, cached_tokens: 0 },
        output_token_details: { text_tokens: 200, audio_tokens: 800 } } } });
    turn = null;
  };

  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      return;
    }
    const text = data.toString();
    // the append is by far the most frequent message: read its audio without a full JSON parse
    if (text.startsWith('{"type":"input_audio_buffer.append"')) {
      const start = text.indexOf('"audio":"') + 9;
      const audio = text.substring(start, text.indexOf('"', start));
      if (!turn) {
        startTurn();
      }
      const where = { response_id: turn.response.id, item_id: turn.item.id, output_index: 0, content_index: 0 };
      send({ type: 'response.output_audio.delta', ...where, delta: audio });
      if (++turn.chunks % 5 === 0) {
        const words = 'Let us look at the complexity of that approach. ';
        turn.transcript += words;
        send({ type: 'response.output_audio_transcript.delta', ...where, delta: words });
      }
      if (turn.chunks >= turn.length) {
        endTurn();
      }
      return;
    }
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    switch (message.type) {
      case 'session.update':
        send({ type: 'session.updated', session: { ...message.session, id: id('sess') } });
        break;
      case 'response.create':
        // the greeting: a short answer of its own, with no audio (the candidate's audio drives the turns)
        if (!turn) {
          startTurn();
          endTurn();
        }
        break;
      case 'response.cancel':
        if (turn) {
          endTurn();
        }
        break;
      default:
        break; // conversation.item.create, input_audio_buffer.commit, truncate: accepted silently
    }
  });
});

server.listen(port, '127.0.0.1', () => {
  console.log(`url=ws://127.0.0.1:${server.address().port}/v1/realtime`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
