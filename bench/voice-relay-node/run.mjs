// The voice relay benchmark with an independent load generator (Node + ws, not our Java/Vert.x code).
//
// Starts the fake provider (provider.mjs, a process of its own), then for each server variant the
// real server from the packaged jar (README's command; the Dockerfile's JVM flags), signs users up
// and starts sessions through the REST API, and runs simulated browsers against /ws: each sends a
// 4,800-byte PCM16 frame every 100 ms (24 kHz, real time) carrying its sequence number and send
// time, and times the frame's return as interviewer audio. Half the browsers offer
// permessage-deflate as Chrome and Firefox do, half do not. `direct` is the same generator speaking
// the provider's JSON straight to the fake (the no-relay baseline).
//
// Usage: node run.mjs --jar <interviewroom.jar> --levels 100,500 --out <benchmarks.md> [--java <java>]
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';

const run = promisify(execFile);
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const JAR = args.jar;
const LEVELS = (args.levels || '100,500').split(',').map(Number);
const OUT = args.out;
const JAVA = args.java || 'java';
const JCMD = path.join(path.dirname(JAVA), 'jcmd');
const WARM_UP_MS = Number(process.env.BENCH_WARMUP_MS || 3000);
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS || 10000);
const PRIMING = Number(process.env.BENCH_PRIMING || 100);
const PRIMING_MS = Number(process.env.BENCH_PRIMING_MS || 30000); // the JIT is still at work after 10 s
// `floor` is not our server: the C relay of bench/voice-relay-floor (needs cc and OpenSSL's headers), the least any relay does
const VARIANTS = (process.env.BENCH_VARIANTS || 'floor,dockerfile,readme').split(',');
// BENCH_DIRECT=0 skips the no-relay baseline (a profiling run needs only the server's levels)
const DIRECT = process.env.BENCH_DIRECT !== '0';
// BENCH_TRACE=file writes each measured round trip as "send time (ns, monotonic), latency (ms), browser", a level per file suffix:
// to tell a steady queue from spikes (see bench/voice-relay-trace.py)
const TRACE_FILE = process.env.BENCH_TRACE;
let TRACE = null;
const FRAME_BYTES = 4800;
const PERIOD_MS = 100;
const CLK_TCK = 100;
const SECTION = '## Voice relay (independent generator)';

// server variants: the Dockerfile's ENTRYPOINT flags (on a 2 GB machine, as fly.toml sizes it), and README's bare command
const SERVER_FLAGS = {
  dockerfile: ['-XX:+UseZGC', '-XX:+ZGenerational', '-XX:MaxRAMPercentage=75', '-XX:+ExitOnOutOfMemoryError', '-XX:MaxRAM=2g'],
  readme: [],
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...m) => console.log(new Date().toISOString().slice(11, 19), ...m);

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

// ---- CPU and memory of processes, from /proc ----

function ticks(pid) {
  const { user, sys } = userSys(pid);
  return user + sys;
}

function userSys(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(f[11]), sys: Number(f[12]) }; // utime, stime
  } catch {
    return { user: 0, sys: 0 };
  }
}

function descendants(pid) {
  const children = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch { /* gone */ }
  }
  const out = [];
  const walk = (p) => (children.get(p) || []).forEach((c) => { out.push(c); walk(c); });
  walk(pid);
  return out;
}

function machine() {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - f[3] - f[4], total };
}

const loadavg = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' / ');

async function liveHeap(pid) {
  const { stdout } = await run(JCMD, [String(pid), 'GC.class_histogram'], { maxBuffer: 64 * 1024 * 1024 });
  const total = stdout.split('\n').find((l) => l.trim().startsWith('Total'));
  return Number(total.trim().split(/\s+/)[2]);
}

// ---- REST ----

async function post(base, p, body, bearer) {
  const res = await fetch(base + p, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`${p} answered ${res.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

async function inParallel(count, width, task) {
  const results = new Array(count);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, count) }, async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  }));
  return results;
}

// ---- frames ----

// byte i of frame seq is (seq + i) & 0xff: a slice of one ramp, copied rather than computed a byte at a time, so that
// the generator spends its CPU on sockets, not on filling frames
const RAMP = Buffer.from(Array.from({ length: FRAME_BYTES + 256 }, (_, i) => i & 0xff));
// frames from Node's buffer pool rather than an ArrayBuffer each: fewer external buffers for V8 to collect (its full
// collections delay the generator's loop, and so every latency it measures)
Buffer.poolSize = 256 * 1024;

function frame(seq) {
  const b = Buffer.allocUnsafe(FRAME_BYTES);
  RAMP.copy(b, 16, ((seq & 0xff) + 16), ((seq & 0xff) + FRAME_BYTES));
  b.writeBigUInt64BE(BigInt(seq), 0);
  b.writeBigUInt64BE(process.hrtime.bigint(), 8);
  return b;
}

class Tracker {
  constructor() {
    this.sent = 0; this.received = 0; this.reordered = 0; this.corrupt = 0; this.last = -1; this.latencies = [];
    this.id = Tracker.count = (Tracker.count || 0) + 1;
  }
  next() { return frame(this.sent++); }
  echo(b, now, measuring) {
    if (b.length !== FRAME_BYTES) { this.corrupt++; return; }
    const seq = Number(b.readBigUInt64BE(0));
    for (let i = 16; i < FRAME_BYTES; i += 97) {
      if (b[i] !== ((seq + i) & 0xff)) { this.corrupt++; return; }
    }
    this.received++;
    if (seq < this.last) this.reordered++;
    this.last = Math.max(this.last, seq);
    if (measuring) {
      const sentAt = b.readBigUInt64BE(8);
      this.latencies.push(Number(now - sentAt) / 1e6);
      if (TRACE) TRACE.push(`${sentAt} ${(Number(now - sentAt) / 1e6).toFixed(3)} ${this.id}`);
    }
  }
}

// ---- one browser ----

class Browser {
  constructor(mode, offerDeflate) {
    this.mode = mode; this.offerDeflate = offerDeflate; this.t = new Tracker(); this.errors = 0; this.unexpected = 0;
    this.closing = false; this.deflate = false;
  }

  open(url, token, providerKey) {
    return new Promise((resolve, reject) => {
      const opts = { perMessageDeflate: this.offerDeflate ? {} : false, maxPayload: 1 << 20 };
      this.ws = this.mode === 'relay'
        ? new WebSocket(url, ['interview.v1', token], opts)
        : new WebSocket(url, { ...opts, headers: { authorization: `Bearer ${providerKey}` } });
      this.ws.binaryType = 'nodebuffer';
      const timer = setTimeout(() => reject(new Error('no session.ready within 60 s')), 60_000);
      this.ws.on('open', () => {
        this.deflate = (this.ws.extensions || '').includes('permessage-deflate');
        if (this.mode === 'direct') { clearTimeout(timer); resolve(); }
      });
      this.ws.on('message', (data, isBinary) => {
        const now = process.hrtime.bigint();
        if (isBinary) { this.t.echo(data, now, state.measuring); return; }
        const text = data.toString();
        if (this.mode === 'direct') {
          if (text.startsWith('{"type":"response.output_audio.delta"')) {
            const start = text.indexOf('"delta":"') + 9;
            this.t.echo(Buffer.from(text.substring(start, text.indexOf('"', start)), 'base64'), now, state.measuring);
          }
          return;
        }
        const m = JSON.parse(text);
        if (m.type === 'session.ready') { clearTimeout(timer); resolve(); }
        if (m.type === 'error') this.errors++;
      });
      this.ws.on('close', (code) => {
        if (!this.closing) { this.unexpected++; clearTimeout(timer); reject(new Error(`closed ${code}`)); }
      });
      this.ws.on('error', (e) => { clearTimeout(timer); reject(e); });
    });
  }

  start() {
    this.first = setTimeout(() => {
      this.timer = setInterval(() => this.send(), PERIOD_MS);
    }, 1 + Math.floor(Math.random() * PERIOD_MS));
  }

  send() {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const f = this.t.next();
    if (this.mode === 'relay') this.ws.send(f, { binary: true });
    else this.ws.send(`{"type":"input_audio_buffer.append","audio":"${f.toString('base64')}"}`);
  }

  stop() { clearTimeout(this.first); clearInterval(this.timer); }

  close() { this.closing = true; this.ws.close(); }
}

const state = { measuring: false };

// ---- one server ----

class Server {
  constructor(variant, providerUrl, healthUrl) { this.variant = variant; this.providerUrl = providerUrl; this.healthUrl = healthUrl; }

  get floor() { return this.variant === 'floor'; }

  async start() {
    this.port = await freePort();
    if (this.floor) return this.startFloor();
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-node-bench-'));
    const env = {
      PATH: process.env.PATH, HOME: process.env.HOME, ROLE: 'all', DATA_DIR: this.dataDir,
      PORT: String(this.port), INTERNAL_PORT: String(await freePort()), PUBLIC_BASE_URL: `http://localhost:${this.port}`,
      OPENAI_API_KEY: 'sk-bench-fake', OPENAI_REALTIME_URL: this.providerUrl, SANDBOX_URL: this.healthUrl, LOG_LEVEL: 'WARN',
      // every bench user signs up from loopback: lift the per-IP sign-in limits (as testkit's TestAuthLimits does)
      AUTH_SIGNUP_PER_IP_PER_HOUR: '1000000', AUTH_FREE_CREDIT_SIGNUPS_PER_IP_PER_DAY: '1000000',
      AUTH_LOGIN_PER_IP_PER_MINUTE: '1000000',
      // every simulated browser connects from 127.0.0.1: the per-IP connection cap (256) would refuse the rest
      HTTP_MAX_CONNECTIONS_PER_IP: '1000000',
      // BENCH_SERVER_ENV="K=V K=V": more settings for the server (an A/B of one of them)
      ...Object.fromEntries((process.env.BENCH_SERVER_ENV || '').split(' ').filter(Boolean).map((kv) => kv.split(/=(.*)/s).slice(0, 2))),
    };
    const logFile = fs.openSync(path.join(path.dirname(JAR), `relay-node-bench-${this.variant}.log`), 'w');
    this.proc = spawn(JAVA, [...SERVER_FLAGS[this.variant], ...(process.env.BENCH_SERVER_OPTS || '').split(' ').filter(Boolean), '-jar', JAR],
      { env, stdio: ['ignore', logFile, logFile] });
    this.base = `http://127.0.0.1:${this.port}`;
    const until = Date.now() + 300_000;
    while (Date.now() < until) {
      if (this.proc.exitCode !== null) throw new Error(`server exited with ${this.proc.exitCode}`);
      try {
        if ((await fetch(`${this.base}/health/ready`)).status === 200) return;
      } catch { /* not yet */ }
      await sleep(500);
    }
    throw new Error('server not ready within 300 s');
  }

  // the C relay of bench/voice-relay-floor: the least any relay does per frame, for the server's figures to be set beside
  async startFloor() {
    const dir = new URL('../voice-relay-floor/', import.meta.url).pathname;
    const binary = path.join(os.tmpdir(), `voice-relay-floor-${process.pid}`);
    try {
      await run('cc', ['-O2', '-o', binary, path.join(dir, 'relay.c'), '-lcrypto']);
    } catch (e) {
      throw new Error(`the floor relay needs a C compiler and OpenSSL's headers (Debian: gcc libssl-dev), `
        + `or BENCH_VARIANTS=dockerfile,readme to leave it out: ${e.message}`);
    }
    this.proc = spawn(binary, [String(this.port), this.providerUrl], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve, reject) => {
      this.proc.stdout.once('data', resolve);
      this.proc.once('exit', (code) => reject(new Error(`floor relay exited with ${code}`)));
    });
    fs.rmSync(binary, { force: true });
  }

  cpuTicks() { return ticks(this.proc.pid); }
  storeTicks() { return descendants(this.proc.pid).reduce((a, p) => a + ticks(p), 0); }

  async stop() {
    this.proc.kill('SIGTERM');
    await new Promise((r) => (this.proc.exitCode !== null ? r() : this.proc.on('exit', r)));
    if (this.dataDir) fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

// ---- a level ----

const users = [];
async function tokens(server, n) {
  const have = users.reduce((a, u) => a + u.credits, 0);
  const missing = Math.ceil(Math.max(0, n - have) / 3);
  const { termsVersion } = await (await fetch(`${server.base}/api/legal`)).json();
  const signed = await inParallel(missing, 4, async () => (await post(server.base, '/api/auth/signup',
    { email: `relay-${crypto.randomUUID()}@example.com`, password: 'relay-bench-password-1', termsVersion })).accessToken);
  signed.forEach((t) => users.push({ bearer: t, credits: 3 }));
  return inParallel(n, 16, async () => {
    const u = users[0];
    if (--u.credits === 0) users.shift();
    return (await post(server.base, '/api/sessions/start', { problemSlug: 'two-sum', language: 'python' }, u.bearer)).wsToken;
  });
}

const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN);

async function level(mode, n, server, provider, report, measureMs = MEASURE_MS) {
  const relay = mode === 'relay';
  const wsTokens = relay && !server.floor ? await tokens(server, n) : Array(n).fill('floor');
  const heap = relay && report && !server.floor;
  const heapBefore = heap ? await liveHeap(server.proc.pid) : 0;
  const browsers = Array.from({ length: n }, (_, i) => new Browser(mode, i % 2 === 0));
  let failed = 0;
  await inParallel(n, 32, async (i) => {
    try {
      await (relay ? browsers[i].open(`ws://127.0.0.1:${server.port}/ws`, wsTokens[i]) : browsers[i].open(provider.url, null, 'sk-bench-fake'));
    } catch (e) {
      if (++failed <= 3) log('a browser did not open:', e.message);
      browsers[i].failed = true;
    }
  });
  const open = browsers.filter((b) => !b.failed);
  open.forEach((b) => b.start());
  await sleep(WARM_UP_MS);
  const eld = monitorEventLoopDelay({ resolution: 10 });
  const sysBefore = relay ? userSys(server.proc.pid).sys : 0;
  const before = { server: relay ? server.cpuTicks() : 0, stores: relay ? server.storeTicks() : 0, provider: ticks(provider.proc.pid),
    gen: process.cpuUsage(), machine: machine(), wall: process.hrtime.bigint() };
  eld.enable();
  if (TRACE_FILE) TRACE = [`# wall ${Date.now()} hrtime ${process.hrtime.bigint()}`];
  state.measuring = true;
  log(`${mode} ${n}: measuring for ${measureMs / 1000} s`);
  await sleep(measureMs);
  state.measuring = false;
  log(`${mode} ${n}: window ends`);
  if (TRACE) { fs.writeFileSync(`${TRACE_FILE}.${relay ? server.variant : 'direct'}.${n}`, TRACE.join('\n') + '\n'); TRACE = null; }
  eld.disable();
  const sysAfter = relay ? userSys(server.proc.pid).sys : 0;
  const after = { server: relay ? server.cpuTicks() : 0, stores: relay ? server.storeTicks() : 0, provider: ticks(provider.proc.pid),
    gen: process.cpuUsage(before.gen), machine: machine(), wall: process.hrtime.bigint() };
  const heapAfter = heap ? await liveHeap(server.proc.pid) : 0;
  open.forEach((b) => b.stop());
  // wait for the frames in flight: until all are back, or nothing came for 2 s
  let last = -1; let quiet = Date.now();
  for (const until = Date.now() + 20_000; Date.now() < until;) {
    await sleep(250);
    const got = open.reduce((a, b) => a + b.t.received + b.t.corrupt, 0);
    if (got >= open.reduce((a, b) => a + b.t.sent, 0)) break;
    if (got !== last) { last = got; quiet = Date.now(); } else if (Date.now() - quiet > 2000) break;
  }
  open.forEach((b) => b.close());
  await sleep(1000);
  const seconds = Number(after.wall - before.wall) / 1e9;
  const group = (list) => {
    const lat = list.flatMap((b) => b.t.latencies).sort((a, b) => a - b);
    return { p50: pct(lat, 0.5), p99: pct(lat, 0.99), frames: lat.length };
  };
  const result = {
    variant: relay ? server.variant : '-', mode, n, opened: open.length,
    all: group(open), offered: group(open.filter((b) => b.offerDeflate)), plain: group(open.filter((b) => !b.offerDeflate)),
    sent: open.reduce((a, b) => a + b.t.sent, 0),
    lost: open.reduce((a, b) => a + b.t.sent - b.t.received - b.t.corrupt, 0),
    reordered: open.reduce((a, b) => a + b.t.reordered, 0),
    corrupt: open.reduce((a, b) => a + b.t.corrupt, 0),
    deflateNegotiated: open.filter((b) => b.deflate).length,
    deflateOffered: open.filter((b) => b.offerDeflate).length,
    errors: open.reduce((a, b) => a + b.errors, 0),
    unexpected: open.reduce((a, b) => a + b.unexpected, 0),
    serverCores: (after.server - before.server) / CLK_TCK / seconds,
    storeCores: (after.stores - before.stores) / CLK_TCK / seconds,
    providerCores: (after.provider - before.provider) / CLK_TCK / seconds,
    genCores: (after.gen.user + after.gen.system) / 1e6 / seconds,
    machineCores: ((after.machine.busy - before.machine.busy) / (after.machine.total - before.machine.total)) * os.cpus().length,
    eldP50: eld.percentile(50) / 1e6, eldP99: eld.percentile(99) / 1e6, eldMax: eld.max / 1e6,
    heapPerSession: heap ? Math.max(0, (heapAfter - heapBefore) / n) : NaN,
    load: loadavg(),
  };
  result.serverMsPerSessionSecond = relay ? (result.serverCores * 1000) / n : NaN;
  // per round trip measured: unlike per session-second, it holds when a starved generator sends fewer frames than real time
  result.serverUsPerRoundTrip = relay && result.all.frames ? ((after.server - before.server) / CLK_TCK) * 1e6 / result.all.frames : NaN;
  result.serverSysShare = relay && after.server > before.server ? (sysAfter - sysBefore) / (after.server - before.server) : NaN;
  log(`${result.variant} ${mode} ${n}: p50 ${result.all.p50?.toFixed(2)} p99 ${result.all.p99?.toFixed(2)} ms, opened ${open.length},`
    + ` lost ${result.lost}, reordered ${result.reordered}, corrupt ${result.corrupt}, deflate ${result.deflateNegotiated}/${result.deflateOffered},`
    + ` server ${result.serverCores.toFixed(2)} stores ${result.storeCores.toFixed(2)} provider ${result.providerCores.toFixed(2)}`
    + ` generator ${result.genCores.toFixed(2)} machine ${result.machineCores.toFixed(2)} cores, ELD p99 ${result.eldP99.toFixed(1)} max ${result.eldMax.toFixed(1)} ms, load ${result.load}`
    + (relay ? `; server ${f3(result.serverMsPerSessionSecond)} ms per session-s, ${f2(result.serverUsPerRoundTrip)} µs per round trip`
      + ` (${int(result.all.frames)} in the window), ${Math.round(100 * result.serverSysShare)} % of it in the kernel` : ''));
  return result;
}

// ---- the report ----

const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '-');
const f3 = (x) => (Number.isFinite(x) ? x.toFixed(3) : '-');
const kb = (x) => (Number.isFinite(x) ? `${Math.round(x / 1024)} KB` : '-');
const int = (x) => x.toLocaleString('en-US');

function section(results, idle) {
  const lines = [SECTION, ''];
  lines.push(`Measured ${new Date().toISOString().slice(0, 19)}Z by \`bench/voice-relay.sh\` (bench/voice-relay-node/run.mjs) on ${os.cpus().length} cores, `
    + `Node ${process.version}, ws ${JSON.parse(fs.readFileSync(new URL('./node_modules/ws/package.json', import.meta.url))).version}, `
    + `${os.type()} ${os.release()}. The generator is not our code: Node and the \`ws\` package. Each simulated browser sends a `
    + `${int(FRAME_BYTES)}-byte binary frame every ${PERIOD_MS} ms (24 kHz PCM16 in real time; sequence number and send time in the first `
    + '16 bytes, a pattern after them that is checked on return); half the browsers offer `permessage-deflate` as Chrome and Firefox '
    + 'do, half do not. The provider fake (bench/voice-relay-node/provider.mjs, a Node process of its own) answers as the GA API '
    + 'does for long answers while the candidate keeps talking: `response.created`, `response.output_item.added`, '
    + '`conversation.item.added`, `response.content_part.added`, one `response.output_audio.delta` per appended chunk (the same '
    + 'bytes, so the browser times the round trip), a transcript delta every fifth, and after 100 chunks (10 s; a socket\'s first answer is cut at random, so that the sockets\' answers end at different moments as independent conversations\' do) the `.done` '
    + 'events and `response.done` with usage, then the next turn. The server is the packaged jar started as README says '
    + '(`java -jar launcher/target/interviewroom.jar`, `ROLE=all`, embedded Postgres, Redis and object store under a fresh '
    + '`DATA_DIR`; `readme`: no JVM flags) and as the Dockerfile runs it (`dockerfile`: its ENTRYPOINT flags, ZGC, '
    + '`MaxRAMPercentage=75`, with `-XX:MaxRAM=2g` for the 2 GB machine `fly.toml` asks for). Sessions and socket tokens come from '
    + `\`POST /api/auth/signup\` and \`POST /api/sessions/start\`. \`floor\` is not our server: bench/voice-relay-floor/relay.c, a C `
    + 'relay on one epoll thread that does only what any relay must per frame (the WebSocket upgrade and framing, unmasking what '
    + 'the browser sends and masking what it sends the provider, base64 both ways, finding the delta in the provider\'s event) and '
    + 'nothing else: no JSON parse, no sign-in, no transcripts, usage or recording, no metrics, no allocation per frame. Its CPU is '
    + 'what this host\'s kernel and memory charge for the same traffic, the floor under any server\'s figures. '
    + `Per server: an unreported priming level of ${PRIMING} sessions for ${PRIMING_MS / 1000} s, then `
    + `${WARM_UP_MS / 1000} s of warm-up and ${MEASURE_MS / 1000} s measured per level. \`direct\`: the same generator speaking the `
    + 'provider protocol straight to the fake (the no-relay baseline); "added" is relay minus direct at the same percentile. '
    + 'Server CPU is the JVM\'s (`/proc/<pid>/stat`), the embedded Postgres and Redis children apart (stores); per round trip it is '
    + 'the window\'s server CPU over the round trips measured in it (which holds when a starved generator sends less than real '
    + 'time; a session-second is ten round trips), with the share spent in the kernel (`stime`: socket reads, writes, epoll); heap per session '
    + 'is live objects (`jcmd GC.class_histogram`) with the sessions open minus before they opened. The generator\'s own CPU and '
    + 'event-loop delay (`monitorEventLoopDelay`, p99) are in the last columns: a busy generator delays its own timestamps.');
  lines.push('');
  lines.push('| server | sessions | mode | p50 ms | p99 ms | added p50 | added p99 | p99 offering deflate / not | frames | lost | reordered | corrupt | deflate negotiated | server CPU ms per session-s | server CPU µs per round trip (kernel share) | server / stores / provider / generator / machine cores | heap per session | generator loop delay p99 | load avg (1/5/15) |');
  lines.push('| --- | ---: | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |');
  const direct = new Map(results.filter((r) => r.mode === 'direct').map((r) => [r.n, r]));
  for (const r of results) {
    const d = direct.get(r.n);
    const added = (p) => (r.mode === 'relay' && d ? f2(r.all[p] - d.all[p]) : '-');
    lines.push(`| ${r.variant} | ${int(r.n)} | ${r.mode} | ${f2(r.all.p50)} | ${f2(r.all.p99)} | ${added('p50')} | ${added('p99')} | `
      + `${f2(r.offered.p99)} / ${f2(r.plain.p99)} | ${int(r.all.frames)} | ${int(r.lost)} | ${int(r.reordered)} | ${int(r.corrupt)} | `
      + `${r.mode === 'relay' ? `${r.deflateNegotiated} of ${r.deflateOffered} offered` : '-'} | ${f3(r.serverMsPerSessionSecond)} | `
      + `${r.mode === 'relay' ? `${f2(r.serverUsPerRoundTrip)} (${Math.round(100 * r.serverSysShare)} %)` : '-'} | `
      + `${f2(r.serverCores)} / ${f2(r.storeCores)} / ${f2(r.providerCores)} / ${f2(r.genCores)} / ${f2(r.machineCores)} | `
      + `${kb(r.heapPerSession)} | ${f2(r.eldP99)} ms | ${r.load} |`);
  }
  lines.push('');
  for (const [variant, cores] of Object.entries(idle)) {
    lines.push(`- \`${variant}\` server with no session open: ${f3(cores)} cores (included in its CPU figures).`);
  }
  const relays = results.filter((r) => r.mode === 'relay');
  const errs = relays.reduce((a, r) => a + r.errors + r.unexpected + (r.opened < r.n ? 1 : 0), 0);
  lines.push(`- Sockets that did not open, closed unexpectedly or got an error message: ${errs === 0 ? 'none' : errs}.`);
  lines.push('');
  return lines.join('\n');
}

/** The Java generator's rows ("## Voice relay (full gateway)", written by the same command just before): sessions -> figures. */
function javaRows(doc) {
  const start = doc.indexOf('## Voice relay (full gateway)');
  if (start < 0) return new Map();
  const end = doc.indexOf('\n## ', start + 10);
  const rows = new Map();
  for (const line of doc.slice(start, end < 0 ? undefined : end).split('\n')) {
    const c = line.split('|').map((x) => x.trim());
    if (c.length < 10 || !/^[\d,]+$/.test(c[1]) || !['direct', 'relay'].includes(c[2])) continue;
    const n = Number(c[1].replace(/,/g, ''));
    const row = rows.get(n) || {};
    row[c[2]] = { p50: Number(c[3]), p99: Number(c[4]), cpu: Number(c[8]), heap: c[9] };
    rows.set(n, row);
  }
  rows.fake = doc.slice(start, end < 0 ? undefined : end).includes('provider.mjs') ? 'GA sequence (Node)' : 'echo only (Java)';
  return rows;
}

function sideBySide(results, java) {
  const lines = ['Both generators side by side (this command, the same day; the Java rows are from the section "Voice relay (full gateway)" '
    + 'above, written by the same command just before):', '',
  '| sessions | generator | provider fake | server | added p50 ms | added p99 ms | server CPU ms per session-s | heap per session |',
  '| ---: | --- | --- | --- | ---: | ---: | ---: | ---: |'];
  const direct = new Map(results.filter((r) => r.mode === 'direct').map((r) => [r.n, r]));
  for (const r of results.filter((x) => x.mode === 'relay')) {
    const d = direct.get(r.n);
    lines.push(`| ${int(r.n)} | Node \`ws\` | GA sequence (Node) | ${r.variant === 'floor' ? 'C floor relay' : `jar, ${r.variant}`} | ${f2(r.all.p50 - d.all.p50)} | ${f2(r.all.p99 - d.all.p99)} | `
      + `${f3(r.serverMsPerSessionSecond)} | ${kb(r.heapPerSession)} |`);
    const j = java.get(r.n);
    if (j && j.relay && j.direct && r.variant === (VARIANTS.includes('dockerfile') ? 'dockerfile' : VARIANTS[VARIANTS.length - 1])) {
      lines.push(`| ${int(r.n)} | Java Vert.x | ${java.fake} | BenchServer, ZGC | ${f2(j.relay.p50 - j.direct.p50)} | ${f2(j.relay.p99 - j.direct.p99)} | `
        + `${f3(j.relay.cpu)} | ${j.relay.heap} |`);
    }
  }
  lines.push('');
  return lines.join('\n');
}

function replaceSection(doc, text) {
  const start = doc.indexOf(SECTION);
  if (start < 0) {
    // new: right after the Java generator's section, so the two are read together
    const java = doc.indexOf('## Voice relay (full gateway)');
    const after = java < 0 ? -1 : doc.indexOf('\n## ', java + 10);
    return after < 0 ? `${doc.trimEnd()}\n\n${text}` : `${doc.slice(0, after + 1)}${text}\n${doc.slice(after + 1)}`;
  }
  const next = doc.indexOf('\n## ', start + SECTION.length);
  return doc.slice(0, start) + text + (next < 0 ? '' : doc.slice(next + 1));
}

// ---- main ----

const provider = { proc: spawn(process.execPath, [new URL('./provider.mjs', import.meta.url).pathname, '0'], { stdio: ['pipe', 'pipe', 'inherit'] }) };
provider.url = await new Promise((resolve) => provider.proc.stdout.once('data', (d) => resolve(d.toString().trim().slice(4))));
const healthUrl = provider.url.replace('ws://', 'http://').replace('/v1/realtime', '');
log('provider', provider.url);
const results = [];
const idle = {};
try {
  if (DIRECT) for (const n of LEVELS) results.push(await level('direct', n, null, provider, true));
  for (const variant of VARIANTS) {
    const server = new Server(variant, provider.url, healthUrl);
    log(`starting the ${variant} server`);
    await server.start();
    users.length = 0;
    try {
      log(`priming with ${PRIMING} sessions for ${PRIMING_MS / 1000} s (not reported)`);
      await level('relay', PRIMING, server, provider, false, PRIMING_MS);
      const t0 = server.cpuTicks();
      await sleep(5000);
      idle[variant] = (server.cpuTicks() - t0) / CLK_TCK / 5;
      for (const n of LEVELS) results.push(await level('relay', n, server, provider, true));
    } finally {
      await server.stop();
    }
  }
} finally {
  provider.proc.stdin.end();
}
const doc = OUT && fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '';
const text = section(results, idle) + (javaRows(doc).size ? `\n${sideBySide(results, javaRows(doc))}` : '');
console.log(text);
if (OUT) {
  fs.writeFileSync(OUT, replaceSection(fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '# Benchmarks\n', text));
  log('written to', OUT);
}
process.exit(0);
