// Markdown from problem authors and the evaluator: marked renders, DOMPurify sanitises into a DOM
// fragment (never an HTML string assigned to innerHTML), images and inline styles are dropped.
import { marked } from 'marked';
import DOMPurify from 'dompurify';

export function markdown(text) {
  const html = marked.parse(String(text || ''), { async: false, gfm: true });
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
