// InterviewRoom function-call harness (JavaScript). Same protocol as harness.py: stdin carries
// "<nonce>\n<json spec>", results go to .results (unlinked before candidate code loads) as framed
// records "<nonce> <byte length>\n<json>\n"; a fresh evaluation of solution.js per test.
'use strict';
const fs = require('fs');
const vm = require('vm');

function TreeNode(val, left, right) {
  this.val = val === undefined ? 0 : val;
  this.left = left === undefined ? null : left;
  this.right = right === undefined ? null : right;
}
function ListNode(val, next) {
  this.val = val === undefined ? 0 : val;
  this.next = next === undefined ? null : next;
}
const MAX_NODES = 200000;

function toTree(values) {
  if (!values || values.length === 0 || values[0] === null) return null;
  const root = new TreeNode(values[0]);
  const queue = [root];
  let i = 1;
  while (queue.length && i < values.length) {
    const node = queue.shift();
    if (i < values.length && values[i] !== null) { node.left = new TreeNode(values[i]); queue.push(node.left); }
    i++;
    if (i < values.length && values[i] !== null) { node.right = new TreeNode(values[i]); queue.push(node.right); }
    i++;
  }
  return root;
}
function fromTree(root) {
  const out = [];
  const queue = [root];
  while (queue.length && out.length < MAX_NODES) {
    const node = queue.shift();
    if (node === null || node === undefined) { out.push(null); continue; }
    out.push(node.val); queue.push(node.left); queue.push(node.right);
  }
  while (out.length && out[out.length - 1] === null) out.pop();
  return out;
}
function toList(values) {
  let head = null;
  for (let i = (values || []).length - 1; i >= 0; i--) head = new ListNode(values[i], head);
  return head;
}
function fromList(node) {
  const out = [];
  while (node && out.length < MAX_NODES) { out.push(node.val); node = node.next; }
  return out;
}
function convertIn(value, type) {
  if (type === 'TreeNode') return toTree(value);
  if (type === 'ListNode') return toList(value);
  return value;
}
function jsonable(value) {
  if (value instanceof TreeNode) return fromTree(value);
  if (value instanceof ListNode) return fromList(value);
  if (value instanceof Set) return [...value].map(jsonable);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), jsonable(v)]));
  if (ArrayBuffer.isView(value)) return Array.from(value);
  if (Array.isArray(value)) return value.map(jsonable);
  if (value === undefined) return null;
  return value;
}
// Integers beyond Number's exact range (|n| > 2^53 - 1, a `long`) arrive as BigInt, and a BigInt
// result is written as its exact digits (JSON.stringify alone throws on BigInt, JSON.parse rounds).
const BIG = '\u0000bigint:';
function parseExact(text) {
  const marked = text.replace(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g, (token) =>
    token[0] === '"' || !/^-?\d+$/.test(token) || Number.isSafeInteger(Number(token)) ? token : JSON.stringify(BIG + token));
  return JSON.parse(marked, (key, value) => (typeof value === 'string' && value.startsWith(BIG) ? BigInt(value.slice(BIG.length)) : value));
}
function stringifyExact(value) {
  return JSON.stringify(value, (key, v) => (typeof v === 'bigint' ? BIG + v.toString() : v))
    .replace(/"\\u0000bigint:(-?\d+)"/g, '$1');
}
function candidateTrace(err) {
  if (!(err instanceof Error)) return 'Uncaught ' + String(err).slice(0, 1000);
  const frames = String(err.stack || '').split('\n').filter((l) => l.includes('solution.js'))
    .map((l) => l.replace(/\(?\/work\//g, '(').replace(/^\s+/, '    '));
  return [`${err.name}: ${err.message}`.slice(0, 2000), ...frames.slice(0, 20)].join('\n');
}

const raw = fs.readFileSync(0);
const newline = raw.indexOf(10);
const nonce = raw.subarray(0, newline).toString();
const spec = parseExact(raw.subarray(newline + 1).toString());
const channel = fs.openSync('.results', 'a');
fs.unlinkSync('.results');
function emit(record) {
  const data = Buffer.from(stringifyExact(record));
  fs.writeSync(channel, Buffer.concat([Buffer.from(`${nonce} ${data.length}\n`), data, Buffer.from('\n')]));
}

const fn = spec.function;
const source = fs.readFileSync('solution.js', 'utf8');
let load;
try {
  // compileFunction keeps the candidate's line numbers; each call re-runs the file: fresh state per test.
  load = vm.compileFunction(source + `\n;return typeof ${fn.name} === 'function' ? ${fn.name}`
    + ` : (typeof Solution === 'function' ? ((s) => s.${fn.name}.bind(s))(new Solution()) : undefined);`,
    ['TreeNode', 'ListNode', 'require', 'module', 'exports'], { filename: 'solution.js' });
} catch (err) {
  process.stderr.write(candidateTrace(err));
  process.exitCode = 1;
  load = null;
}
if (load) {
  spec.tests.forEach((test) => {
    const started = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - started) / 1e6;
    try {
      const args = fn.params.map((p) => convertIn(test.input[p.name], p.type));
      const target = load(TreeNode, ListNode, require, { exports: {} }, {});
      if (typeof target !== 'function') throw new Error(`function ${fn.name} is not defined`);
      let result = target(...args);
      if (fn.returns === 'void') result = args[0];
      // An empty tree or list is [] in LeetCode's format.
      if ((result === null || result === undefined) && ['TreeNode', 'ListNode', 'void'].includes(fn.returns)) result = [];
      emit({ id: test.id, ok: true, actual: jsonable(result), ms: ms() });
    } catch (err) {
      const kind = err instanceof Error ? err.name : 'Error';
      emit({ id: test.id, ok: false, kind, error: candidateTrace(err), ms: ms() });
    }
  });
  emit({ done: spec.tests.length });
  // Leave now: the candidate's timers or open handles must not keep the process alive.
  process.exit(0);
}
