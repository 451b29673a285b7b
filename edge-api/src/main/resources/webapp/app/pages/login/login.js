import { api, login } from '../../lib/api.js';
import { h, pageTitle } from '../../lib/dom.js';
import { safeNext } from '../../lib/router.js';
import { toast } from '../../lib/toast.js';
import { field, errorSummary } from '../forms.js';
import { PROVIDER_NAMES, providerButtons, signInError } from '../providers.js';

export async function render(main, { query, navigate }) {
  const next = safeNext(query.get('next'));
  // /login?link=<token>&provider=google: a provider sign-in whose email has a password account here
  const link = query.get('link');
  const linkProvider = PROVIDER_NAMES[query.get('provider')] || 'your sign-in provider';
  const email = field({ label: 'Email address', type: 'email', name: 'email', autocomplete: 'email' });
  const password = field({ label: 'Password', type: 'password', name: 'password', autocomplete: 'current-password' });
  const summary = errorSummary();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, link ? `Log in and link ${linkProvider}` : 'Log in');
  const form = h('form', { class: 'auth-form', novalidate: true },
    summary.el, email.el, password.el, submit,
    h('p', { class: 'muted' }, 'New here? ', h('a', { href: '/signup' + (next ? '?next=' + encodeURIComponent(next) : '') }, 'Create an account')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const errors = [];
    if (!email.input.value.trim()) errors.push({ field: email, message: 'Enter your email address' });
    if (!password.input.value) errors.push({ field: password, message: 'Enter your password' });
    if (summary.show(errors)) return;
    submit.disabled = true;
    const label = submit.textContent;
    submit.textContent = 'Logging in…';
    try {
      await login(email.input.value.trim(), password.input.value, link);
      if (link) toast(`${linkProvider} is now linked: next time, Continue with ${linkProvider} signs you in.`, { key: 'linked' });
      navigate(next || await home(), { replace: true });
    } catch (err) {
      summary.show([{ message: err.status === 401 ? 'Email or password is not right.' : err.message }]);
      submit.disabled = false;
      submit.textContent = label;
    }
  });

  const card = h('div', { class: 'card' }, pageTitle('Log in'));
  if (link) {
    card.append(h('p', { class: 'notice', role: 'status' },
      `An InterviewRoom account with this email already exists. Log in with its password to link your ${linkProvider} account to it. `
      + 'Nothing is linked until the password is right.'));
  } else {
    const providers = await buttons(next);
    if (providers) card.append(providers);
  }
  card.append(form);
  main.append(h('section', { class: 'auth-page' }, card));
  // a provider sign-in that failed comes back here with ?error=<code>: say what happened, in words
  if (query.get('error')) summary.show([{ message: signInError(query.get('error')) }]);
}

async function buttons(next) {
  let legal = null;
  try {
    legal = await api('/api/legal', { anonymous: true });
  } catch {
    legal = null;
  }
  return providerButtons(legal && legal.signInProviders, () => ({ next }));
}

/** Where a login without a ?next= lands: the first-run setup until it was finished or skipped. */
async function home() {
  try {
    return (await api('/api/users/profile')).onboardingCompleted ? '/dashboard' : '/onboarding';
  } catch {
    return '/dashboard';
  }
}
