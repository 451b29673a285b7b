// The page's own failures to our error tracking (POST /api/client-errors, forwarded to Sentry with
// source=web). Sent without cookies or tokens; the path goes without its query string; the server
// scrubs again. A few per page load at most, each distinct message once, so a loop cannot flood it.
const ENDPOINT = '/api/client-errors';
const MAX_PER_PAGE = 5;
const sent = new Set();

function cut(text, max) {
  if (text === undefined || text === null) return undefined;
  const s = String(text);
  return s.length > max ? s.slice(0, max) : s;
}

/** kind: 'error' | 'unhandledrejection'; failure: an Error, or whatever was thrown or rejected. */
export function reportClientError(kind, failure, fallbackMessage) {
  const isError = failure instanceof Error;
  const message = cut((isError ? failure.message : failure !== undefined ? failure : fallbackMessage) || 'unknown error', 2000);
  if (sent.size >= MAX_PER_PAGE || sent.has(message)) return;
  sent.add(message);
  const body = { kind, message };
  if (isError && failure.name) body.name = cut(failure.name, 100);
  if (isError && failure.stack) body.stack = cut(failure.stack, 6000);
  if (location.pathname) body.page = cut(location.pathname, 2000);
  try {
    fetch(ENDPOINT, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'omit',
      keepalive: true,
    }).catch(() => {});
  } catch {
    // reporting must never throw from an error handler
  }
}
