// The one API client: it owns the access token (memory only), the refresh cookie's rotation,
// retries, and turns problem+json answers into ApiError with a readable message.

const REFRESH_LOCK = 'interviewroom-refresh';
// Not a secret: only whether this browser holds a refresh cookie worth trying (it is HttpOnly).
const HINT_KEY = 'interviewroom.signedIn';
const listeners = new Set();
let access = null; // { token, expiresAt }
let currentUser = null;
let refreshTimer = 0;
let inFlight = null;

export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super(friendly(status, problem, retryAfter));
    this.name = 'ApiError';
    this.status = status;
    this.code = problem.code || (status === 0 ? 'network' : 'http_' + status);
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
}

function friendly(status, problem, retryAfter) {
  if (status === 0) return 'Could not reach InterviewRoom. Check your connection and try again.';
  if (status === 429) {
    const secs = Number(retryAfter);
    return secs > 0 ? `Too many requests. Try again in ${secs} second${secs === 1 ? '' : 's'}.` : 'Too many requests. Try again shortly.';
  }
  if (status >= 500) return problem.detail || 'Something went wrong on our side. Please try again.';
  return problem.detail || problem.title || `Request failed (${status}).`;
}

export const auth = {
  get signedIn() { return access !== null; },
  get user() { return currentUser; },
  onChange(fn) { listeners.add(fn); return () => listeners.delete(fn); },
};

function notify() {
  for (const fn of listeners) fn(currentUser);
}

function accept(body) {
  access = { token: body.accessToken, expiresAt: Date.now() + body.expiresIn * 1000 };
  currentUser = body.user;
  localStorage.setItem(HINT_KEY, '1');
  clearTimeout(refreshTimer);
  // refresh a little before expiry so a request never carries a dead token
  const lead = Math.max(5_000, body.expiresIn * 1000 - 60_000);
  refreshTimer = setTimeout(() => refresh().catch(() => {}), lead);
  notify();
}

function forget() {
  const had = access !== null;
  access = null;
  currentUser = null;
  localStorage.removeItem(HINT_KEY);
  clearTimeout(refreshTimer);
  if (had) notify();
}

async function refreshOnce() {
  let res;
  try {
    res = await fetch('/api/auth/refresh', { method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/json' } });
  } catch {
    throw new ApiError(0, {});
  }
  if (res.ok) {
    accept(await res.json());
    return true;
  }
  if (res.status === 401 || res.status === 403 || res.status === 404) {
    forget();
    return false;
  }
  throw new ApiError(res.status, await problemOf(res), res.headers.get('Retry-After'));
}

/**
 * Exchanges the refresh cookie for a new access token. The server rotates the cookie and treats a
 * reused one as theft, so refreshes are serialised across tabs (Web Locks) and within this tab
 * (one promise in flight).
 */
export function refresh() {
  if (!inFlight) {
    const run = () => refreshOnce();
    const locked = navigator.locks ? navigator.locks.request(REFRESH_LOCK, run) : run();
    inFlight = locked.finally(() => { inFlight = null; });
  }
  return inFlight;
}

/** Restores a login from the refresh cookie; false when there is none. */
export async function restore() {
  if (localStorage.getItem(HINT_KEY) !== '1') return false;
  try {
    return await refresh();
  } catch {
    return false;
  }
}

async function problemOf(res) {
  const text = await res.text();
  try {
    const json = text ? JSON.parse(text) : {};
    return json && typeof json === 'object' ? json : {};
  } catch {
    return {};
  }
}

const sleepMs = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * fetch with JSON in and out. A 401 with a token refreshes once and retries; GETs are retried
 * twice on network errors and 502/503/504.
 */
export async function api(path, { method = 'GET', body, signal, anonymous = false } = {}) {
  for (let attempt = 0; ; attempt += 1) {
    if (!anonymous && access && access.expiresAt - Date.now() < 5_000) await refresh();
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (!anonymous && access) headers.Authorization = `Bearer ${access.token}`;
    let res;
    try {
      res = await fetch(path, { method, headers, signal, credentials: 'same-origin',
        body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      if (err.name === 'AbortError') throw err;
      if (method === 'GET' && attempt < 2) { await sleepMs(400 * 2 ** attempt); continue; }
      throw new ApiError(0, {});
    }
    if (res.status === 401 && !anonymous && access && attempt === 0) {
      if (await refresh()) continue;
    }
    if (method === 'GET' && [502, 503, 504].includes(res.status) && attempt < 2) {
      await sleepMs(400 * 2 ** attempt);
      continue;
    }
    if (res.status === 401 && !anonymous) forget();
    if (!res.ok) throw new ApiError(res.status, await problemOf(res), res.headers.get('Retry-After'));
    if (res.status === 204) return null;
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  }
}

export async function signup(email, password, termsVersion) {
  accept(await api('/api/auth/signup', { method: 'POST', anonymous: true, body: { email, password, termsVersion } }));
}

/** linkToken (from /login?link=): also links the Google or GitHub sign-in waiting for this account. */
export async function login(email, password, linkToken) {
  const body = linkToken ? { email, password, linkToken } : { email, password };
  accept(await api('/api/auth/login', { method: 'POST', anonymous: true, body }));
}

/**
 * After a Google or GitHub sign-in the server has set the refresh cookie and redirected here with
 * ?signin=done: remember that this browser is signed in (so restore() refreshes) and drop the marker.
 */
export function adoptProviderSignIn() {
  const url = new URL(location.href);
  if (url.searchParams.get('signin') !== 'done') return;
  url.searchParams.delete('signin');
  history.replaceState(null, '', url.pathname + url.search + url.hash);
  localStorage.setItem(HINT_KEY, '1');
}

export async function logout() {
  try {
    await fetch('/api/auth/logout', { method: 'POST', credentials: 'same-origin' });
  } finally {
    forget();
  }
}

/**
 * Logs out every browser and device of this account (every refresh-token family and every access
 * token are revoked by the server), then forgets the login here. Throws ApiError when the server
 * refuses; the login is kept then.
 */
export async function logoutEverywhere() {
  await api('/api/auth/logout-all', { method: 'POST' });
  forget();
}
