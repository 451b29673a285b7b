// Program output → DOM: ANSI SGR colours become spans with classes (built with DOM APIs, the text
// always as text nodes); every other escape or control sequence is dropped; at most maxLines lines.

const SGR = /\x1b\[([0-9;]*)m/g;
const OTHER_ESCAPES = /\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]/g;
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;

export function ansiToFragment(text, maxLines = 1000) {
  const fragment = document.createDocumentFragment();
  let input = String(text || '');
  const lines = input.split('\n');
  let omitted = 0;
  if (lines.length > maxLines) {
    omitted = lines.length - maxLines;
    input = lines.slice(0, maxLines).join('\n');
  }
  const state = { fg: null, bg: null, bold: false, underline: false };
  let last = 0;
  for (const match of input.matchAll(SGR)) {
    emit(fragment, input.slice(last, match.index), state);
    apply(state, match[1]);
    last = match.index + match[0].length;
  }
  emit(fragment, input.slice(last), state);
  return { fragment, omitted };
}

function emit(fragment, raw, state) {
  const text = raw.replace(OTHER_ESCAPES, '').replace(CONTROL, '');
  if (!text) return;
  const classes = [];
  if (state.fg !== null) classes.push(`ansi-fg-${state.fg}`);
  if (state.bg !== null) classes.push(`ansi-bg-${state.bg}`);
  if (state.bold) classes.push('ansi-bold');
  if (state.underline) classes.push('ansi-underline');
  if (classes.length === 0) {
    fragment.append(document.createTextNode(text));
    return;
  }
  const span = document.createElement('span');
  span.className = classes.join(' ');
  span.textContent = text;
  fragment.append(span);
}

function apply(state, params) {
  const codes = params === '' ? [0] : params.split(';').map(Number);
  for (let i = 0; i < codes.length; i += 1) {
    const c = codes[i];
    if (c === 0) Object.assign(state, { fg: null, bg: null, bold: false, underline: false });
    else if (c === 1) state.bold = true;
    else if (c === 22) state.bold = false;
    else if (c === 4) state.underline = true;
    else if (c === 24) state.underline = false;
    else if (c >= 30 && c <= 37) state.fg = c - 30;
    else if (c >= 90 && c <= 97) state.fg = c - 90 + 8;
    else if (c === 39) state.fg = null;
    else if (c >= 40 && c <= 47) state.bg = c - 40;
    else if (c >= 100 && c <= 107) state.bg = c - 100 + 8;
    else if (c === 49) state.bg = null;
    else if (c === 38 || c === 48) i += codes[i + 1] === 5 ? 2 : 4; // 256/true colour: skipped
  }
}
