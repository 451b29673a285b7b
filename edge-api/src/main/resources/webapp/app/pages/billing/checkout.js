// One payment with Stripe's Payment Element: mounted with the PaymentIntent's client secret (a
// pack's intent, or a subscription's first-invoice confirmation secret) and confirmed with
// redirect 'if_required', so a card payment stays on this page. A decline or a field error is shown
// in words and the same form stays for another try (a declined intent can be confirmed again).
// Settles with Stripe's PaymentIntent once confirmed, or null when the person closes the form.
import { h } from '../../lib/dom.js';

function wording(error) {
  // Stripe words card and field errors for customers; anything else gets ours
  if (error.type === 'card_error') return `${error.message} Try another card, or try again.`;
  if (error.type === 'validation_error') return error.message;
  return 'The payment did not go through. Please try again.';
}

export function payWithElement(host, { stripe, clientSecret, title, summary, returnUrl }) {
  return new Promise((resolve) => {
    const elements = stripe.elements({ clientSecret });
    const element = elements.create('payment');
    const slot = h('div', { class: 'payment-element', 'data-checkout': 'element' });
    const error = h('p', { class: 'form-status', role: 'alert', 'data-checkout': 'error' });
    const pay = h('button', { type: 'submit', class: 'btn btn-primary', 'data-action': 'pay' }, 'Pay');
    const close = h('button', { type: 'button', class: 'btn btn-ghost', 'data-action': 'close-checkout' }, 'Cancel');
    const heading = h('h2', { id: 'checkout-title', tabindex: '-1' }, title);
    const form = h('form', { class: 'card checkout', 'aria-labelledby': 'checkout-title', 'data-checkout': 'form', novalidate: true },
      heading, h('p', null, summary), slot, error, h('div', { class: 'actions' }, pay, close));
    host.replaceChildren(form);
    element.mount(slot);
    heading.focus();

    const finish = (intent) => {
      element.destroy();
      host.replaceChildren();
      resolve(intent);
    };
    close.addEventListener('click', () => finish(null));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      pay.disabled = true;
      close.disabled = true;
      pay.textContent = 'Processing…';
      error.textContent = '';
      let result;
      try {
        result = await stripe.confirmPayment({ elements, confirmParams: { return_url: returnUrl }, redirect: 'if_required' });
      } catch {
        result = { error: { type: 'integration_error' } };
      }
      if (result.error) {
        error.textContent = wording(result.error);
        pay.textContent = 'Try again';
        pay.disabled = false;
        close.disabled = false;
        return;
      }
      finish(result.paymentIntent);
    });
  });
}
