// Billing: the current plan and its state (status, next billing date, credits, the past-due
// warning), cancelling at period end, the Stripe Customer Portal, and buying: a credit pack or the
// monthly plan, paid in Stripe's Payment Element (Stripe.js from the URL the server names). Credits
// and the plan come from Stripe's webhook only: after the payment the page waits for the server to
// record it, and when the webhook is late it asks the server to check with Stripe itself (docs/web.md).
import { api } from '../../lib/api.js';
import { h, pageTitle, sleep } from '../../lib/dom.js';
import { formatDate } from '../../lib/format.js';
import { loadStripe } from '../../lib/stripe.js';
import { payWithElement } from './checkout.js';

const POLL_MS = 1_000;
/** A webhook usually lands within seconds; after this the server confirms with Stripe's API instead. */
const WEBHOOK_GRACE_MS = 8_000;
const WAIT_LIMIT_MS = 60_000;
const HELD = ['active', 'trialing', 'past_due'];

const STATUS = { none: 'No subscription', active: 'Active', trialing: 'Trial', past_due: 'Payment past due', unpaid: 'Unpaid',
  canceled: 'Canceled', incomplete: 'Payment not completed', incomplete_expired: 'Payment expired', paused: 'Paused' };

export async function render(main) {
  const [status, { plans }] = await Promise.all([api('/api/billing/status'), api('/api/billing/plans', { anonymous: true })]);
  const wrap = h('div', { class: 'narrow' });
  main.append(wrap);
  const ctx = { wrap, status, plans, busy: false };
  draw(ctx);
  // back from a redirect-based payment method: Stripe appends the intent and its outcome
  const query = new URLSearchParams(location.search);
  const returned = query.get('payment_intent');
  if (returned && /^pi_[A-Za-z0-9_]+$/.test(returned) && query.get('redirect_status') !== 'failed') {
    history.replaceState(null, '', '/billing');
    // not awaited: the page is drawn and usable while it waits
    run(ctx, async () => ((await api(`/api/payments/${returned}`).catch(() => null)) ? awaitCredits(ctx, returned) : awaitPlan(ctx)));
  }
}

function money(plan) {
  return new Intl.NumberFormat(undefined, { style: 'currency', currency: plan.currency.toUpperCase() }).format(plan.amount / 100);
}

/** Reads the status again and redraws; {@code notice(status)} words what just happened. */
async function reload(ctx, notice) {
  ctx.status = await api('/api/billing/status');
  draw(ctx, notice ? notice(ctx.status) : null);
}

function draw(ctx, notice) {
  const { wrap, status, plans } = ctx;
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
  const held = HELD.includes(sub.status);
  ctx.checkout = h('div', { 'data-checkout': 'host' });
  wrap.replaceChildren(
    pageTitle('Credits and plans', 'Billing'),
    h('p', { class: 'notice success', role: 'status', 'data-checkout': 'done', hidden: !notice }, notice || ''),
    sub.warning ? h('div', { class: 'notice warning', role: 'alert', 'data-warning': sub.warning.code },
      h('strong', null, sub.warning.message),
      sub.warning.graceEndsAt ? h('span', null, ` Access continues until ${formatDate(sub.warning.graceEndsAt)}.`) : null) : null,
    h('section', { class: 'card', 'aria-labelledby': 'current-plan' },
      h('h2', { id: 'current-plan' }, 'Your plan'),
      h('dl', { class: 'facts' }, rows.map(([term, value, key]) => h('div', null, h('dt', null, term), h('dd', { 'data-billing': key }, value)))),
      h('div', { class: 'actions' },
        held && !sub.cancelAtPeriodEnd ? cancelButton(ctx, message) : null,
        sub.status !== 'none' ? manageButton(message) : null),
      message),
    ctx.checkout,
    h('section', { 'aria-labelledby': 'buy' },
      h('h2', { id: 'buy' }, 'Buy credits or subscribe'),
      h('p', null, 'Each interview uses one credit. Purchased credits never expire.'),
      h('div', { class: 'pricing-grid' }, plans.map((p) => h('article', { class: 'plan', 'data-plan': p.id },
        h('h3', null, p.name),
        h('p', { class: 'plan-price' }, money(p) + (p.kind === 'subscription' ? ` / ${p.interval}` : '')),
        h('p', { class: 'plan-credits' }, p.unlimited ? 'Unlimited interviews' : `${p.credits} interviews`),
        buyButton(ctx, p))))),
    status.publishableKey ? null
      : h('p', { class: 'muted', 'data-billing': 'payments-off' }, 'Card payment is not available on this server: it has no Stripe publishable key configured.'));
}

function buyButton(ctx, plan) {
  const { status } = ctx;
  const sub = status.subscription;
  const subscription = plan.kind === 'subscription';
  const enabled = Boolean(status.publishableKey) && (subscription ? status.subscriptionsEnabled : status.packsEnabled);
  if (subscription && HELD.includes(sub.status)) {
    return h('button', { type: 'button', class: 'btn btn-primary', disabled: true, 'data-buy': plan.id }, 'Subscribed');
  }
  const label = subscription ? (sub.status === 'incomplete' ? 'Complete your subscription' : 'Subscribe') : 'Buy';
  if (!enabled) {
    return h('button', { type: 'button', class: 'btn btn-primary', disabled: true, 'data-buy': plan.id }, `${label} (payments are not available here)`);
  }
  const button = h('button', { type: 'button', class: 'btn btn-primary', 'data-buy': plan.id,
    'aria-label': `${label}: ${plan.name}` }, label);
  button.addEventListener('click', () => run(ctx, () => (subscription ? subscribe(ctx, plan) : buyPack(ctx, plan))));
  return button;
}

/** One purchase at a time: the buy buttons stay disabled until it has settled. */
async function run(ctx, purchase) {
  if (ctx.busy) return;
  ctx.busy = true;
  const buttons = [...ctx.wrap.querySelectorAll('[data-buy]')].filter((b) => !b.disabled);
  buttons.forEach((b) => { b.disabled = true; });
  try {
    await purchase();
  } catch (err) {
    ctx.checkout.replaceChildren(h('p', { class: 'form-status', role: 'alert', 'data-checkout': 'error' }, err.message));
  } finally {
    ctx.busy = false;
    buttons.forEach((b) => { b.disabled = false; });
  }
}

function returnUrl() {
  return `${location.origin}/billing`;
}

async function buyPack(ctx, plan) {
  const stripe = await loadStripe(ctx.status.stripeJsUrl, ctx.status.publishableKey);
  const intent = await api('/api/payments/create-intent', { method: 'POST', body: { packageId: plan.id } });
  const paid = await payWithElement(ctx.checkout, { stripe, clientSecret: intent.clientSecret, returnUrl: returnUrl(),
    title: `Buy ${plan.name}`, summary: `${plan.credits} interview credits for ${money(plan)}. Credits never expire.` });
  if (paid) await awaitCredits(ctx, intent.paymentIntentId);
}

async function subscribe(ctx, plan) {
  const stripe = await loadStripe(ctx.status.stripeJsUrl, ctx.status.publishableKey);
  const created = await api('/api/subscriptions/create', { method: 'POST' });
  if (!created.clientSecret) {
    await reload(ctx);
    return;
  }
  const paid = await payWithElement(ctx.checkout, { stripe, clientSecret: created.clientSecret, returnUrl: returnUrl(),
    title: `Subscribe to ${plan.name}`,
    summary: `${money(plan)} a ${plan.interval}, unlimited interviews. Cancel any time; you keep the plan until the end of the paid period.` });
  if (paid) await awaitPlan(ctx);
}

function waiting(ctx, text) {
  const line = h('p', { class: 'notice', role: 'status', 'data-checkout': 'status' }, text);
  ctx.checkout.replaceChildren(line);
  return line;
}

/**
 * Polls until the payment is recorded as succeeded (the webhook credited it). Past the grace, asks
 * the server once to confirm with Stripe (POST /api/payments/{id}/confirm): it credits only what
 * Stripe reports as paid, and the webhook that lands later changes nothing.
 */
async function awaitCredits(ctx, paymentIntentId) {
  const line = waiting(ctx, 'Payment accepted. Your credits appear here as soon as Stripe confirms the payment…');
  const before = ctx.status.credits;
  const payment = await poll(() => api(`/api/payments/${paymentIntentId}`),
    () => api(`/api/payments/${paymentIntentId}/confirm`, { method: 'POST' }),
    (p) => p.status === 'succeeded');
  if (!payment) {
    line.textContent = 'Your payment went through, but the credits have not arrived yet. They will appear on this page shortly; reload it in a minute.';
    return;
  }
  await reload(ctx, (status) => `Payment complete: ${payment.credits} credits added. You now have ${status.credits} (before: ${before}).`);
}

/** As awaitCredits, for the subscription's first payment (POST /api/subscriptions/confirm past the grace). */
async function awaitPlan(ctx) {
  const line = waiting(ctx, 'Payment accepted. Your plan starts as soon as Stripe confirms the payment…');
  const state = await poll(() => api('/api/subscriptions'), () => api('/api/subscriptions/confirm', { method: 'POST' }),
    (s) => s.status === 'active' || s.status === 'trialing');
  if (!state) {
    line.textContent = 'Your payment went through, but the plan has not started yet. It will show here shortly; reload this page in a minute.';
    return;
  }
  await reload(ctx, () => `Subscribed: unlimited interviews${state.nextBillingDate ? `, renewing on ${formatDate(state.nextBillingDate)}` : ''}.`);
}

async function poll(read, confirm, done) {
  const started = Date.now();
  let confirmed = false;
  while (Date.now() - started < WAIT_LIMIT_MS) {
    const late = !confirmed && Date.now() - started >= WEBHOOK_GRACE_MS;
    confirmed = confirmed || late;
    try {
      const value = await (late ? confirm() : read());
      if (done(value)) return value;
    } catch {
      // a failed read is retried on the next tick; the payment itself is safe at Stripe
    }
    await sleep(POLL_MS);
  }
  return null;
}

function cancelButton(ctx, message) {
  const end = ctx.status.subscription.currentPeriodEnd ? formatDate(ctx.status.subscription.currentPeriodEnd) : 'the end of the period';
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
      ctx.status = { ...ctx.status, subscription };
      draw(ctx, `Cancelled: you keep unlimited interviews until ${end}, and you will not be charged again.`);
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
