// Boot: restore the login from the refresh cookie, draw the header, route, and catch whatever
// nobody else caught (one handler for errors and rejections: a toast, never a raw error object).
import { auth, restore, logout } from './lib/api.js';
import { h } from './lib/dom.js';
import { toast } from './lib/toast.js';
import { start, navigate, render } from './lib/router.js';
import { reportClientError } from './lib/client-errors.js';

function drawNav() {
  const nav = document.getElementById('site-nav');
  if (auth.signedIn) {
    nav.replaceChildren(
      h('a', { href: '/dashboard' }, 'Dashboard'),
      h('a', { href: '/billing' }, 'Billing'),
      h('a', { href: '/account', title: `Account: ${auth.user.email}` }, 'Account'),
      h('button', { type: 'button', class: 'btn btn-ghost', onclick: async () => {
        await logout();
        navigate('/');
      } }, 'Log out'));
  } else {
    nav.replaceChildren(
      h('a', { href: '/login' }, 'Log in'),
      h('a', { href: '/signup', class: 'btn btn-primary btn-small' }, 'Sign up'));
  }
}

window.addEventListener('error', (event) => {
  console.error(event.error || event.message);
  reportClientError('error', event.error, event.message);
  toast('Something went wrong on this page. If it keeps happening, reload.', { kind: 'error', key: 'unexpected' });
});
window.addEventListener('unhandledrejection', (event) => {
  console.error(event.reason);
  // an ApiError is the server's own answer (already logged there), not a fault of the page
  if (!(event.reason && event.reason.name === 'ApiError')) reportClientError('unhandledrejection', event.reason);
  const message = event.reason && event.reason.name === 'ApiError' ? event.reason.message
    : 'Something went wrong on this page. If it keeps happening, reload.';
  toast(message, { kind: 'error', key: message });
});

auth.onChange(() => {
  drawNav();
  // signed out underneath a page that needs a login (refresh refused): the router sends to /login
  if (!auth.signedIn && document.body.dataset.route && !['/', '/login', '/signup', '/terms', '/privacy', 'not-found'].includes(document.body.dataset.route)) render();
});
await restore();
drawNav();
await start();
