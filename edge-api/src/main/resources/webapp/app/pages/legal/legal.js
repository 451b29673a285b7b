import { api } from '../../lib/api.js';
import { h, pageTitle } from '../../lib/dom.js';

/** A legal page: sections of [heading, ...paragraphs], headed by the version users agree to. */
export async function renderLegal(main, title, versionKey, sections) {
  let version = null;
  try {
    version = (await api('/api/legal', { anonymous: true }))[versionKey];
  } catch {
    version = null;
  }
  main.append(h('article', { class: 'narrow legal' },
    pageTitle(title),
    h('p', { class: 'muted' }, version ? `Version ${version}` : ''),
    h('p', { class: 'notice' }, 'This is a template awaiting legal review before public launch.'),
    sections.map(([heading, ...paragraphs]) => h('section', null, h('h2', null, heading),
      paragraphs.map((p) => (Array.isArray(p) ? h('ul', null, p.map((item) => h('li', null, item))) : h('p', null, p)))))));
}
