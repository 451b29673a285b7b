import { api, signup } from '../../lib/api.js';
import { h, id, pageTitle } from '../../lib/dom.js';
import { safeNext } from '../../lib/router.js';
import { field, errorSummary } from '../forms.js';
import { providerButtons } from '../providers.js';

export async function render(main, { query, navigate }) {
  let legal = null;
  try {
    legal = await api('/api/legal', { anonymous: true });
  } catch {
    legal = null;
  }
  const email = field({ label: 'Email address', type: 'email', name: 'email', autocomplete: 'email' });
  const password = field({ label: 'Password', type: 'password', name: 'password', autocomplete: 'new-password',
    hint: 'At least 8 characters.' });
  const termsId = id('terms');
  const termsError = h('p', { class: 'field-error', id: `${termsId}-error`, hidden: true });
  const terms = h('input', { type: 'checkbox', id: termsId, name: 'terms', required: true });
  const termsField = {
    input: terms,
    setError(message) {
      termsError.hidden = !message;
      termsError.textContent = message || '';
      terms.setAttribute('aria-invalid', message ? 'true' : 'false');
      terms.setAttribute('aria-describedby', message ? termsError.id : '');
    },
  };
  const summary = errorSummary();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Create account');
  const form = h('form', { class: 'auth-form', novalidate: true },
    summary.el, email.el, password.el,
    h('div', { class: 'field field-checkbox' }, termsError,
      h('div', { class: 'checkbox' }, terms,
        h('label', { for: termsId }, 'I agree to the ',
          h('a', { href: '/terms', target: '_blank', rel: 'noopener' }, 'Terms of Service'), ' and the ',
          h('a', { href: '/privacy', target: '_blank', rel: 'noopener' }, 'Privacy Policy'),
          ', including that my voice and code are processed by AI providers.'))),
    submit,
    h('p', { class: 'muted' }, 'Already have an account? ', h('a', { href: '/login' }, 'Log in')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const errors = [];
    const address = email.input.value.trim();
    if (!address) errors.push({ field: email, message: 'Enter your email address' });
    else if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address)) errors.push({ field: email, message: 'Enter an email address like name@example.com' });
    if (password.input.value.length < 8) errors.push({ field: password, message: 'Choose a password of at least 8 characters' });
    if (!terms.checked) errors.push({ field: termsField, message: 'Agree to the Terms of Service and Privacy Policy to create an account' });
    if (!legal) errors.push({ message: 'The terms could not be loaded. Reload the page and try again.' });
    if (summary.show(errors)) return;
    submit.disabled = true;
    submit.textContent = 'Creating your account…';
    try {
      await signup(address, password.input.value, legal.termsVersion);
      navigate(safeNext(query.get('next')) || '/onboarding', { replace: true });
    } catch (err) {
      const fieldErrors = (err.problem && err.problem.errors) || [];
      const byName = { email, password, termsVersion: termsField };
      summary.show(fieldErrors.length
        ? fieldErrors.map((e) => ({ field: byName[e.field], message: e.message }))
        : [{ message: err.status === 409 ? 'An account with this email already exists. Log in instead.' : err.message }]);
      submit.disabled = false;
      submit.textContent = 'Create account';
    }
  });
  // Continue with Google / GitHub creates an account too: the same terms checkbox applies, and the
  // version accepted here travels with the flow (recorded when the account is created)
  const providers = providerButtons(legal && legal.signInProviders, () => {
    const errors = [];
    if (!terms.checked) errors.push({ field: termsField, message: 'Agree to the Terms of Service and Privacy Policy to create an account' });
    if (summary.show(errors)) return null;
    return { termsVersion: legal.termsVersion, next: safeNext(query.get('next')) };
  });
  if (providers) {
    // below the terms checkbox, which they need too
    providers.querySelector('.divider').remove();
    submit.after(h('p', { class: 'divider', role: 'separator' }, h('span', null, 'or')), providers);
  }
  main.append(h('section', { class: 'auth-page' }, h('div', { class: 'card' },
    pageTitle('Create your account'),
    h('p', { class: 'muted' }, 'Three free interviews. No card needed.'),
    form)));
}
