// The start answer (with its one-time socket token) handed from the problem choice to the room in
// memory, so the first connect does not need a second token. Never stored.
let pending = null;

export function handOff(started) {
  pending = started;
}

/** The start answer for this session, once; null after a reload. */
export function takeHandOff(sessionId) {
  const found = pending && pending.sessionId === sessionId ? pending : null;
  pending = null;
  return found;
}
