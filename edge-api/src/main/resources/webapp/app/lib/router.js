// History-API routing: same-origin links navigate without a reload; each page module exports
// render(main, {params, query, navigate}) and may return a cleanup function, run before the next page.
import { ROUTES, NOT_FOUND } from '../routes.js';
import { auth } from './api.js';

let cleanup = null;
let generation = 0;

function match(pathname) {
  for (const route of ROUTES) {
    const names = [];
    const pattern = new RegExp('^' + route.path.replace(/:([a-z]+)/g, (_, name) => {
      names.push(name);
      return '([^/]+)';
    }) + '/?$');
    const found = pathname.match(pattern);
    if (found) {
      const params = {};
      names.forEach((name, i) => { params[name] = decodeURIComponent(found[i + 1]); });
      return { route, params };
    }
  }
  return null;
}

export function navigate(to, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  return render();
}

export async function render() {
  const mine = ++generation;
  if (cleanup) {
    const previous = cleanup;
    cleanup = null;
    try { await previous(); } catch (err) { console.error(err); }
  }
  const { pathname, search } = location;
  const found = match(pathname);
  if (found && found.route.access === 'user' && !auth.signedIn) {
    return navigate('/login?next=' + encodeURIComponent(pathname + search), { replace: true });
  }
  if (found && found.route.access === 'guest' && auth.signedIn) {
    const next = new URLSearchParams(search).get('next');
    return navigate(safeNext(next) || '/dashboard', { replace: true });
  }
  const module = await (found ? found.route.page() : NOT_FOUND());
  if (mine !== generation) return undefined;
  const main = document.getElementById('main');
  main.replaceChildren();
  document.body.dataset.route = found ? found.route.path : 'not-found';
  const result = await module.render(main, {
    params: found ? found.params : {},
    query: new URLSearchParams(search),
    navigate,
  });
  if (mine !== generation) {
    if (typeof result === 'function') await result();
    return undefined;
  }
  cleanup = typeof result === 'function' ? result : null;
  const heading = main.querySelector('h1');
  if (heading && !main.contains(document.activeElement)) heading.focus({ preventScroll: true });
  return undefined;
}

/** Only same-origin paths are followed after sign-in (no open redirect). */
export function safeNext(next) {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : null;
}

export function start() {
  window.addEventListener('popstate', () => render());
  document.addEventListener('click', (event) => {
    const a = event.target.closest('a[href]');
    if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if ((a.target && a.target !== '_self') || a.hasAttribute('download')) return;
    const url = new URL(a.href, location.href);
    if (url.protocol !== location.protocol) return; // blob:, mailto:, … (a blob: URL has this page's origin)
    if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
    if (url.pathname === location.pathname && url.search === location.search && url.hash) return; // in-page anchor
    event.preventDefault();
    navigate(url.pathname + url.search + url.hash);
  });
  return render();
}
