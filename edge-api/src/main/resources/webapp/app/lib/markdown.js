// Markdown from problem authors and the evaluator: marked renders it with raw HTML escaped (shown
// as text, never parsed), then DOMPurify sanitises the result into a DOM fragment (never an HTML
// string assigned to innerHTML); images and inline styles are dropped, links open in a new tab.
import { Marked } from 'marked';
import DOMPurify from 'dompurify';

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);

const renderer = new Marked({
  gfm: true,
  async: false,
  renderer: {
    html({ text }) {
      return escapeHtml(text);
    },
  },
});

export function markdown(text) {
  const html = renderer.parse(String(text || ''));
  const fragment = DOMPurify.sanitize(html, {
    RETURN_DOM_FRAGMENT: true,
    FORBID_TAGS: ['style', 'img', 'form', 'input', 'button', 'iframe', 'svg', 'math'],
    FORBID_ATTR: ['style', 'class', 'id'],
  });
  for (const a of fragment.querySelectorAll('a')) {
    a.setAttribute('rel', 'noopener noreferrer nofollow');
    a.setAttribute('target', '_blank');
  }
  return fragment;
}
