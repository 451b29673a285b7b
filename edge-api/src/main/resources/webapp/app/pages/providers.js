// "Continue with Google / GitHub" on the login and sign-up pages. The buttons exist only for the
// providers the server lists in GET /api/legal (signInProviders); the flow itself is a full-page
// navigation to /auth/start/<provider>, which redirects to the provider and back to /auth/callback.
import { h } from '../lib/dom.js';

export const PROVIDER_NAMES = { google: 'Google', github: 'GitHub' };

/** Why a provider sign-in came back to /login?error=<code> (SignInRefused.CODES), in plain words. */
const ERRORS = {
  provider_disabled: 'That sign-in option is not available here. Log in with your email and password.',
  access_denied: 'Sign-in was cancelled. Try again, or log in with your email and password.',
  provider_error: 'The sign-in provider did not complete the sign-in. Please try again.',
  provider_unavailable: 'The sign-in provider could not be reached. Please try again in a moment.',
  state_invalid: 'That sign-in attempt expired or was started in another browser or tab. Please start again.',
  id_token_invalid: 'We could not verify the sign-in with Google. Please try again.',
  email_unverified: 'Your account at the provider has no verified email address. Verify it there, or use your email and password.',
  terms_outdated: 'The terms have changed. Open the sign-up page again and accept the current terms.',
  account_exists: 'An account with this email already exists and signs in another way. Use the way you signed up.',
  account_deleted: 'This account was deleted and can no longer be restored.',
  rate_limited: 'Too many sign-in attempts from here. Wait a minute and try again.',
  sign_in_failed: 'Signing in did not work. Please try again.',
};

/** The message for /login?error=<code>: text, or a node when it links somewhere. Unknown codes get the general one. */
export function signInError(code) {
  if (code === 'terms_required') {
    return h('span', null, 'There is no account for this sign-in yet. To create one, ',
      h('a', { href: '/signup' }, 'sign up'), ' and accept the terms first.');
  }
  return ERRORS[code] || ERRORS.sign_in_failed;
}

/**
 * The buttons, or null when no provider is configured. {@code params()} returns the query of the
 * start URL (an object), or null to stay on the page (the sign-up page's terms not accepted yet).
 */
export function providerButtons(providers, params) {
  const names = (providers || []).filter((name) => PROVIDER_NAMES[name]);
  if (!names.length) return null;
  return h('div', { class: 'provider-sign-in' },
    ...names.map((name) => h('button', {
      type: 'button', class: `btn btn-provider btn-block provider-${name}`, 'data-provider': name,
      onclick: () => {
        const query = params();
        if (!query) return;
        const search = new URLSearchParams(Object.entries(query).filter(([, v]) => v)).toString();
        location.assign(`/auth/start/${name}${search ? '?' + search : ''}`);
      },
    }, `Continue with ${PROVIDER_NAMES[name]}`)),
    h('p', { class: 'divider', role: 'separator' }, h('span', null, 'or use your email')));
}
