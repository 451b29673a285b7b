import { api } from '../../lib/api.js';
import { h } from '../../lib/dom.js';

const FREE_CREDITS = 3; // the sign-up bonus (schema: the first ledger row)

export async function render(main) {
  document.title = 'InterviewRoom: practise coding interviews with a voice AI interviewer';
  const pricing = h('div', { class: 'pricing-grid' }, h('p', { class: 'muted' }, 'Loading prices…'));
  main.append(
    h('section', { class: 'hero' },
      h('div', { class: 'hero-text' },
        h('p', { class: 'eyebrow' }, 'Mock technical interviews, out loud'),
        h('h1', { tabindex: '-1' }, 'Practise the interview, not just the problem.'),
        h('p', { class: 'lead' }, 'Talk through a real coding problem with an AI interviewer that listens, asks follow-ups and watches your code. Run it against tests, then get a scored evaluation of how you solved it and how you explained it.'),
        h('div', { class: 'hero-actions' },
          h('a', { class: 'btn btn-primary btn-large', href: '/signup' }, 'Start practicing free'),
          h('a', { class: 'btn btn-ghost btn-large', href: '/login' }, 'I have an account')),
        h('p', { class: 'muted small' }, `${FREE_CREDITS} free interviews, no card needed.`)),
      h('div', { class: 'hero-card', 'aria-hidden': 'true' },
        h('div', { class: 'mock-bar' }, h('span', { class: 'mock-timer' }, '◷ 24:13'), h('span', { class: 'mock-status' }, '● Listening…')),
        h('pre', { class: 'mock-code' }, 'def two_sum(nums, target):\n    seen = {}\n    for i, n in enumerate(nums):\n        if target - n in seen:\n            return [seen[target - n], i]\n        seen[n] = i'),
        h('p', { class: 'mock-quote' }, '“Nice: a hash map makes it linear. What happens with duplicates?”'))),
    h('section', { class: 'features', 'aria-labelledby': 'features-title' },
      h('h2', { id: 'features-title' }, 'What you get'),
      h('div', { class: 'feature-grid' },
        feature('◉', 'A voice AI interviewer', 'It greets you, listens while you think aloud, asks follow-ups and warns you when time runs short, like a real interviewer.'),
        feature('⌨', 'Real-time code observation', 'A proper editor for Python, JavaScript or Java. The interviewer sees your code as you write and nudges you when you drift.'),
        feature('★', 'A scored evaluation', 'Problem solving, code quality, communication, efficiency and testing, each scored 1–10 with the evidence behind it.'))),
    h('section', { class: 'pricing', 'aria-labelledby': 'pricing-title' },
      h('h2', { id: 'pricing-title' }, 'Pricing'),
      pricing));
  loadPlans(pricing);
}

function feature(icon, title, text) {
  return h('article', { class: 'feature' }, h('span', { class: 'feature-icon', 'aria-hidden': 'true' }, icon), h('h3', null, title), h('p', null, text));
}

async function loadPlans(container) {
  const cards = [plan('Free', '$0', `${FREE_CREDITS} interviews to start`, ['Voice AI interviewer', 'Code runner with tests', 'Full evaluation report'], true)];
  try {
    const { plans } = await api('/api/billing/plans', { anonymous: true });
    for (const p of plans) {
      const price = new Intl.NumberFormat(undefined, { style: 'currency', currency: p.currency.toUpperCase() }).format(p.amount / 100);
      cards.push(plan(p.name, p.kind === 'subscription' ? `${price} / ${p.interval}` : price,
        p.unlimited ? 'Unlimited interviews' : `${p.credits} interviews`,
        p.kind === 'subscription' ? ['Every feature', 'Cancel any time'] : ['Every feature', 'Credits never expire'], false));
    }
  } catch {
    cards.push(h('p', { class: 'muted' }, 'Paid plans are listed after you sign in.'));
  }
  container.replaceChildren(...cards);
}

function plan(name, price, credits, points, featured) {
  return h('article', { class: `plan${featured ? ' plan-featured' : ''}` },
    h('h3', null, name), h('p', { class: 'plan-price' }, price), h('p', { class: 'plan-credits' }, credits),
    h('ul', null, points.map((p) => h('li', null, p))),
    h('a', { class: featured ? 'btn btn-primary' : 'btn btn-ghost', href: '/signup' }, featured ? 'Start practicing free' : 'Get started'));
}
