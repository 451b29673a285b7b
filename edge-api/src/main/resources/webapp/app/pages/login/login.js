import { api, login } from '../../lib/api.js';
import { h, pageTitle } from '../../lib/dom.js';
import { safeNext } from '../../lib/router.js';
import { field, errorSummary } from '../forms.js';

export function render(main, { query, navigate }) {
  const email = field({ label: 'Email address', type: 'email', name: 'email', autocomplete: 'email' });
  const password = field({ label: 'Password', type: 'password', name: 'password', autocomplete: 'current-password' });
  const summary = errorSummary();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Log in');
  const form = h('form', { class: 'auth-form', novalidate: true },
    summary.el, email.el, password.el, submit,
    h('p', { class: 'muted' }, 'New here? ', h('a', { href: '/signup' + (query.get('next') ? '?next=' + encodeURIComponent(query.get('next')) : '') }, 'Create an account')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const errors = [];
    if (!email.input.value.trim()) errors.push({ field: email, message: 'Enter your email address' });
    if (!password.input.value) errors.push({ field: password, message: 'Enter your password' });
    if (summary.show(errors)) return;
    submit.disabled = true;
    submit.textContent = 'Logging in…';
    try {
      await login(email.input.value.trim(), password.input.value);
      navigate(safeNext(query.get('next')) || await home(), { replace: true });
    } catch (err) {
      summary.show([{ message: err.status === 401 ? 'Email or password is not right.' : err.message }]);
      submit.disabled = false;
      submit.textContent = 'Log in';
    }
  });
  main.append(h('section', { class: 'auth-page' }, h('div', { class: 'card' }, pageTitle('Log in'), form)));
}

/** Where a login without a ?next= lands: the first-run setup until it was finished or skipped. */
async function home() {
  try {
    return (await api('/api/users/profile')).onboardingCompleted ? '/dashboard' : '/onboarding';
  } catch {
    return '/dashboard';
  }
}
