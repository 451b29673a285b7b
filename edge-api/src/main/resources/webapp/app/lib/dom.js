// Building DOM without HTML strings: text always goes in as text nodes, so nothing a server,
// a problem author or a candidate's program sends can become markup.

/** h('a', {href: '/x', class: 'btn'}, 'text', childNode) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value == null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

let uid = 0;
/** A page-unique id for label/aria wiring. */
export function id(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** The page's heading, focusable so navigation moves screen-reader focus to it. */
export function pageTitle(text, title) {
  document.title = `${title || text} · InterviewRoom`;
  return h('h1', { tabindex: '-1', class: 'page-title' }, text);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
