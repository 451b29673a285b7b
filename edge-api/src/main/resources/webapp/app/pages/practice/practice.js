import { api } from '../../lib/api.js';
import { h, id, pageTitle } from '../../lib/dom.js';
import { difficultyBadge, LANGUAGES } from '../../lib/format.js';
import { markdown } from '../../lib/markdown.js';
import { handOff } from '../interview/handoff.js';

// Choose: difficulty → optional category → a random problem's preview → confirm → start.
export function render(main, { navigate }) {
  const status = h('div', { class: 'form-status', role: 'status', 'aria-live': 'polite' });
  const difficulty = radios('difficulty', 'Difficulty', { easy: 'Easy', medium: 'Medium', hard: 'Hard' }, 'easy');
  const categoryId = id('category');
  const category = h('select', { id: categoryId, name: 'category' }, h('option', { value: '' }, 'Any category'));
  const languageId = id('language');
  const language = h('select', { id: languageId, name: 'language' },
    Object.entries(LANGUAGES).map(([value, label]) => h('option', { value }, label)));
  const preview = h('section', { class: 'preview', 'aria-live': 'polite', 'aria-labelledby': 'preview-title' });
  const pick = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Show me a problem');
  let chosen = null;

  async function loadCategories() {
    const items = [];
    try {
      const found = await api(`/api/problems?difficulty=${difficulty.value()}&pageSize=100`);
      for (const p of found.items) if (p.category && !items.includes(p.category)) items.push(p.category);
    } catch (err) {
      status.textContent = err.message;
    }
    category.replaceChildren(h('option', { value: '' }, 'Any category'),
      ...items.sort().map((c) => h('option', { value: c }, c.replace(/-/g, ' '))));
  }
  difficulty.el.addEventListener('change', () => { loadCategories(); preview.replaceChildren(); chosen = null; });

  const form = h('form', { class: 'card choose' },
    difficulty.el,
    h('div', { class: 'field' }, h('label', { for: categoryId }, 'Category (optional)'), category),
    h('div', { class: 'field' }, h('label', { for: languageId }, 'Language'), language),
    pick, status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    pick.disabled = true;
    status.textContent = 'Finding a problem…';
    try {
      const params = new URLSearchParams({ difficulty: difficulty.value() });
      if (category.value) params.set('category', category.value);
      chosen = await api(`/api/problems/random?${params}`);
      status.textContent = '';
      showPreview();
    } catch (err) {
      status.textContent = err.status === 404 ? 'No problem matches these choices. Try another category.' : err.message;
    } finally {
      pick.disabled = false;
      pick.textContent = 'Show me another';
    }
  });

  function showPreview() {
    const start = h('button', { type: 'button', class: 'btn btn-primary btn-large' }, 'Start interview');
    const note = h('div', { class: 'form-status', role: 'alert' });
    start.addEventListener('click', async () => {
      start.disabled = true;
      start.textContent = 'Starting…';
      note.replaceChildren();
      try {
        const started = await api('/api/sessions/start', { method: 'POST', body: { problemSlug: chosen.slug, language: language.value } });
        handOff(started);
        navigate(`/interview/${started.sessionId}`);
      } catch (err) {
        start.disabled = false;
        start.textContent = 'Start interview';
        if (err.status === 402) {
          note.append('You have no interview credits left. ', h('a', { href: '/billing' }, 'Buy more credits'), ' to keep practising.');
        } else if (err.code === 'sandbox_unavailable') {
          note.append('The code runner is not available right now, so nothing was charged. Try again in a minute.');
        } else {
          note.append(err.message);
        }
      }
    });
    preview.replaceChildren(
      h('h2', { id: 'preview-title' }, chosen.title),
      h('p', { class: 'meta' }, difficultyBadge(chosen.difficulty), ' ',
        chosen.category ? h('span', { class: 'tag' }, chosen.category.replace(/-/g, ' ')) : null, ' ',
        h('span', { class: 'muted' }, `${chosen.durationMinutes} minutes · ${LANGUAGES[language.value]}`)),
      h('div', { class: 'markdown preview-text' }, markdown(chosen.description)),
      h('p', { class: 'muted small' }, 'Starting uses one credit. The interviewer will speak: allow the microphone when asked.'),
      h('div', { class: 'actions' }, start), note);
    preview.querySelector('h2').setAttribute('tabindex', '-1');
    preview.querySelector('h2').focus();
  }

  main.append(h('div', { class: 'narrow' },
    pageTitle('Choose a problem'),
    h('p', { class: 'muted' }, 'Pick how hard it should be, and optionally a topic. We will suggest a problem you have not done recently.'),
    form, preview));
  loadCategories();
}

function radios(name, legend, options, checked) {
  const el = h('fieldset', { class: 'field radios' }, h('legend', null, legend),
    Object.entries(options).map(([value, label]) => {
      const inputId = id(`${name}-${value}`);
      return h('div', { class: 'radio' },
        h('input', { type: 'radio', id: inputId, name, value, checked: value === checked }),
        h('label', { for: inputId }, label));
    }));
  return { el, value: () => el.querySelector('input:checked').value };
}
