import { api } from '../../lib/api.js';
import { h, pageTitle } from '../../lib/dom.js';

export async function render(main) {
  const [profile, { plans }] = await Promise.all([api('/api/users/profile'), api('/api/billing/plans', { anonymous: true })]);
  main.append(h('div', { class: 'narrow' },
    pageTitle('Credits and plans'),
    h('p', null, `You have ${profile.credits} interview credit${profile.credits === 1 ? '' : 's'}. Each interview uses one.`),
    h('div', { class: 'pricing-grid' }, plans.map((p) => h('article', { class: 'plan' },
      h('h2', null, p.name),
      h('p', { class: 'plan-price' }, new Intl.NumberFormat(undefined, { style: 'currency', currency: p.currency.toUpperCase() }).format(p.amount / 100)
        + (p.kind === 'subscription' ? ` / ${p.interval}` : '')),
      h('p', { class: 'plan-credits' }, p.unlimited ? 'Unlimited interviews' : `${p.credits} interviews`)))),
    h('p', { class: 'muted' }, 'Card payment in the browser is not part of this web app yet.')));
}
