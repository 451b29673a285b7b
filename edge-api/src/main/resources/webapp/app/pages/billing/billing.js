// Billing: the current plan and its state (status, next billing date, credits, the past-due
// warning), cancelling at period end, the Stripe Customer Portal, and the packs and the monthly
// plan with prices from /api/billing/plans. Card payment needs Stripe.js, which this app does not
// load yet: the buy buttons stay disabled and say so (docs/web.md).
import { api } from '../../lib/api.js';
import { h, pageTitle } from '../../lib/dom.js';
import { formatDate } from '../../lib/format.js';

const STATUS = { none: 'No subscription', active: 'Active', trialing: 'Trial', past_due: 'Payment past due', unpaid: 'Unpaid',
  canceled: 'Canceled', incomplete: 'Payment not completed', incomplete_expired: 'Payment expired', paused: 'Paused' };

export async function render(main) {
  const [status, { plans }] = await Promise.all([api('/api/billing/status'), api('/api/billing/plans', { anonymous: true })]);
  const wrap = h('div', { class: 'narrow' });
  main.append(wrap);
  draw(wrap, status, plans);
}

function money(plan) {
  return new Intl.NumberFormat(undefined, { style: 'currency', currency: plan.currency.toUpperCase() }).format(plan.amount / 100);
}

function draw(wrap, status, plans) {
  const sub = status.subscription;
  const plan = plans.find((p) => p.id === sub.plan);
  const message = h('p', { class: 'form-status', role: 'alert' });
  const rows = [
    ['Plan', sub.status === 'none' ? 'Free (pay per interview with credits)' : plan ? plan.name : sub.plan, 'plan'],
    ['Status', STATUS[sub.status] || sub.status, 'status'],
    ['Next billing date', sub.nextBillingDate ? formatDate(sub.nextBillingDate)
      : sub.cancelAtPeriodEnd && sub.currentPeriodEnd ? `None: ends on ${formatDate(sub.currentPeriodEnd)}` : '—', 'next-billing'],
    ['Credits', sub.unlimitedSessions ? `Unlimited (${status.credits} credits kept)` : String(status.credits), 'credits'],
  ];
  const held = ['active', 'trialing', 'past_due'].includes(sub.status);
  wrap.replaceChildren(
    pageTitle('Credits and plans', 'Billing'),
    sub.warning ? h('div', { class: 'notice warning', role: 'alert', 'data-warning': sub.warning.code },
      h('strong', null, sub.warning.message),
      sub.warning.graceEndsAt ? h('span', null, ` Access continues until ${formatDate(sub.warning.graceEndsAt)}.`) : null) : null,
    h('section', { class: 'card', 'aria-labelledby': 'current-plan' },
      h('h2', { id: 'current-plan' }, 'Your plan'),
      h('dl', { class: 'facts' }, rows.map(([term, value, key]) => h('div', null, h('dt', null, term), h('dd', { 'data-billing': key }, value)))),
      h('div', { class: 'actions' },
        held && !sub.cancelAtPeriodEnd ? cancelButton(wrap, status, plans, message) : null,
        sub.status !== 'none' ? manageButton(message) : null),
      message),
    h('section', { 'aria-labelledby': 'buy' },
      h('h2', { id: 'buy' }, 'Buy credits or subscribe'),
      h('p', null, 'Each interview uses one credit. Purchased credits never expire.'),
      h('div', { class: 'pricing-grid' }, plans.map((p) => h('article', { class: 'plan', 'data-plan': p.id },
        h('h3', null, p.name),
        h('p', { class: 'plan-price' }, money(p) + (p.kind === 'subscription' ? ` / ${p.interval}` : '')),
        h('p', { class: 'plan-credits' }, p.unlimited ? 'Unlimited interviews' : `${p.credits} interviews`),
        buyButton(p, status, sub))))),
    status.publishableKey ? null
      : h('p', { class: 'muted', 'data-billing': 'payments-off' }, 'Card payment is not available here yet: this server has no Stripe publishable key configured.'));
}

function buyButton(plan, status, sub) {
  const enabled = plan.kind === 'subscription' ? status.subscriptionsEnabled : status.packsEnabled;
  const label = plan.kind === 'subscription' ? (['active', 'trialing'].includes(sub.status) ? 'Subscribed' : 'Subscribe') : 'Buy';
  // Stripe's Payment Element is not wired into this page yet: no purchase can start from here.
  const why = !status.publishableKey || !enabled ? 'Payments are not available yet' : 'Card payment in the browser is coming soon';
  return h('button', { type: 'button', class: 'btn btn-primary', disabled: true, title: why }, `${label} (${why.toLowerCase()})`);
}

function cancelButton(wrap, status, plans, message) {
  const end = status.subscription.currentPeriodEnd ? formatDate(status.subscription.currentPeriodEnd) : 'the end of the period';
  const yes = h('button', { type: 'submit', class: 'btn btn-danger', 'data-action': 'confirm-cancel' }, 'Cancel subscription');
  const no = h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => dialog.close() }, 'Keep my plan');
  const form = h('form', { method: 'dialog' },
    h('h2', { id: 'cancel-title' }, 'Cancel your subscription?'),
    h('p', null, `You keep unlimited interviews until ${end}. After that you are back on credits, and you will not be charged again.`),
    h('div', { class: 'actions' }, yes, no));
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'cancel-title' }, form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    yes.disabled = true;
    try {
      const subscription = await api('/api/subscriptions/cancel', { method: 'POST' });
      dialog.close();
      draw(wrap, { ...status, subscription }, plans);
    } catch (err) {
      dialog.close();
      message.textContent = err.message;
    } finally {
      yes.disabled = false;
    }
  });
  const open = h('button', { type: 'button', class: 'btn btn-ghost', 'data-action': 'cancel', onclick: () => dialog.showModal() },
    'Cancel at period end…');
  return [open, dialog];
}

function manageButton(message) {
  const button = h('button', { type: 'button', class: 'btn btn-secondary', 'data-action': 'manage' }, 'Manage billing');
  button.addEventListener('click', async () => {
    button.disabled = true;
    message.textContent = '';
    try {
      const { url } = await api('/api/subscriptions/portal');
      location.assign(url);
    } catch (err) {
      message.textContent = err.message;
      button.disabled = false;
    }
  });
  return button;
}
