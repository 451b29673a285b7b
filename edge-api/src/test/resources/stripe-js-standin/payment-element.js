// TEST-ONLY: the Payment Element frame of the Stripe.js stand-in (see stripe.js in this folder).
// Validates the fields as the Payment Element does (StripeError type 'validation_error', Stripe's
// codes and wording) and confirms the PaymentIntent from here, so card data never reaches the page.
'use strict';

const field = (id) => document.getElementById(id);
const digits = (value) => value.replace(/\D/g, '');

function luhn(number) {
  let sum = 0;
  for (let i = 0; i < number.length; i += 1) {
    let d = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function validationError(code, param, message) {
  return { type: 'validation_error', code, param, message };
}

/** The card's fields, or the first field error in Stripe's words. */
function readCard() {
  const number = digits(field('number').value);
  if (number.length < 16) return { error: validationError('incomplete_number', 'number', 'Your card number is incomplete.') };
  if (!luhn(number)) return { error: validationError('invalid_number', 'number', 'Your card number is invalid.') };
  const expiry = /^\s*(\d{1,2})\s*\/?\s*(\d{2})\s*$/.exec(field('expiry').value);
  if (!expiry) return { error: validationError('incomplete_expiry', 'exp_month', "Your card's expiration date is incomplete.") };
  const month = Number(expiry[1]);
  const year = 2000 + Number(expiry[2]);
  if (month < 1 || month > 12) return { error: validationError('invalid_expiry_month', 'exp_month', "Your card's expiration date is invalid.") };
  const now = new Date();
  if (year < now.getFullYear() || (year === now.getFullYear() && month < now.getMonth() + 1)) {
    return { error: validationError('invalid_expiry_year_past', 'exp_year', "Your card's expiration year is in the past.") };
  }
  const cvc = digits(field('cvc').value);
  if (cvc.length < 3) return { error: validationError('incomplete_cvc', 'cvc', "Your card's security code is incomplete.") };
  return { card: { number, month, year, cvc } };
}

async function confirm(request) {
  const read = readCard();
  if (read.error) return read;
  const form = new URLSearchParams();
  form.set('key', request.key);
  form.set('client_secret', request.clientSecret);
  form.set('payment_method_data[type]', 'card');
  form.set('payment_method_data[card][number]', read.card.number);
  form.set('payment_method_data[card][exp_month]', String(read.card.month));
  form.set('payment_method_data[card][exp_year]', String(read.card.year));
  form.set('payment_method_data[card][cvc]', read.card.cvc);
  if (request.returnUrl) form.set('return_url', request.returnUrl);
  let response;
  try {
    response = await fetch(`/v1/payment_intents/${encodeURIComponent(request.intentId)}/confirm`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form,
    });
  } catch {
    return { error: { type: 'api_connection_error', message: 'An error occurred with our connection to Stripe. Request was retried 0 times.' } };
  }
  const body = await response.json();
  return response.ok ? { paymentIntent: body } : { error: body.error };
}

window.addEventListener('message', async (event) => {
  if (event.source !== window.parent || !event.data || event.data.type !== 'stand-in:confirm' || !event.ports[0]) return;
  const result = await confirm(event.data.request);
  // the field shows its own error, as the Payment Element does; declines are for the page to word
  field('error').textContent = result.error && result.error.type === 'validation_error' ? result.error.message : '';
  event.ports[0].postMessage(result);
});
