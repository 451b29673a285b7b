import { api } from '../../lib/api.js';
import { h, pageTitle } from '../../lib/dom.js';

/**
 * A legal page: sections of [heading, ...paragraphs], headed by the version users agree to.
 * {@code sections} may be a function of GET /api/legal (null when it failed), so a page states the
 * values the server enforces (the retention windows) rather than copies of them.
 */
export async function renderLegal(main, title, versionKey, sections) {
  let legal = null;
  try {
    legal = await api('/api/legal', { anonymous: true });
  } catch {
    legal = null;
  }
  const version = legal ? legal[versionKey] : null;
  if (typeof sections === 'function') sections = sections(legal);
  main.append(h('article', { class: 'narrow legal' },
    pageTitle(title),
    h('p', { class: 'muted' }, version ? `Version ${version}` : ''),
    h('p', { class: 'notice' }, 'This is a template awaiting legal review before public launch.'),
    sections.map(([heading, ...paragraphs]) => h('section', null, h('h2', null, heading),
      paragraphs.map((p) => (Array.isArray(p) ? h('ul', null, p.map((item) => h('li', null, item))) : h('p', null, p)))))));
}
