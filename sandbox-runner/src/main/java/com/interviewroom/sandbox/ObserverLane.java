package com.interviewroom.sandbox;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Admission of the code observer's compiles (syntax checks of sampled edits), kept apart from
 * executions so a flood of them, pathological Java sent as edits, never delays a Run or a Submit:
 *
 * <ul>
 *   <li>at most {@code running} of them hold a slot or wait for one at once, and they wait behind
 *       every execution ({@code SlotPool#takeBackground});
 *   <li>per session, one at a time: a newer edit waits, and replaces (coalesces) an older edit of
 *       the same session that is still waiting, which is answered {@code observer_superseded};
 *   <li>per user, at most {@code perUser} in flight (running or waiting) across their sessions;
 *   <li>at most {@code waiting} wait in all; beyond that the runner is busy.
 * </ul>
 *
 * A refusal is a {@link Refused} naming the rule; the routes answer it as 429 (a caller's own
 * limit) or 503 (the runner's).
 */
public final class ObserverLane {
  /** A refusal: {@code status} 429 for the caller's own limits, 503 when the lane is full. */
  public static final class Refused extends RuntimeException {
    private final int status;
    private final String code;

    Refused(int status, String code, String detail) {
      super(detail, null, false, false);
      this.status = status;
      this.code = code;
    }

    public int status() {
      return status;
    }

    public String code() {
      return code;
    }
  }

  /** One compile's place in the lane: its turn comes when it may start waiting for a slot. */
  public final class Ticket {
    private final String session;
    private final String user;
    private final CompletableFuture<Void> turn = new CompletableFuture<>();
    private boolean running;

    private Ticket(String session, String user) {
      this.session = session;
      this.user = user;
    }

    /**
     * Completes when this compile may run; fails with {@link Refused} when a newer edit replaced
     * it.
     */
    public CompletableFuture<Void> turn() {
      return turn;
    }

    /**
     * Gives the place back (after the compile, or when the caller gave up); lets the next one run.
     */
    public void close() {
      leave(this);
    }
  }

  private final int maxRunning;
  private final int maxWaiting;
  private final int perUser;
  private final ArrayDeque<Ticket> waiting = new ArrayDeque<>();
  private final Set<String> runningSessions = new HashSet<>();
  private final Map<String, Integer> inFlightByUser = new HashMap<>();
  private int running;

  public ObserverLane(int maxRunning, int maxWaiting, int perUser) {
    this.maxRunning = Math.max(1, maxRunning);
    this.maxWaiting = maxWaiting;
    this.perUser = perUser;
  }

  /** The runner's lane: half the slots (at least one), twice the slots waiting, two per user. */
  public static ObserverLane forSlots(int slots) {
    return new ObserverLane(Math.max(1, slots / 2), 2 * slots, 2);
  }

  /**
   * @param session the observed session, or null (no per-session rule)
   * @param user the session's user, or null (no per-user rule)
   * @throws Refused over the user's limit, or with the lane full
   */
  public synchronized Ticket enter(String session, String user) {
    if (session != null) {
      for (Iterator<Ticket> it = waiting.iterator(); it.hasNext(); ) {
        Ticket older = it.next();
        if (session.equals(older.session)) {
          it.remove();
          release(older.user);
          older.turn.completeExceptionally(
              new Refused(
                  429,
                  "observer_superseded",
                  "A newer edit of this session replaced this compile before it started."));
        }
      }
    }
    if (user != null && inFlightByUser.getOrDefault(user, 0) >= perUser) {
      throw new Refused(
          429,
          "observer_user_limit",
          "At most " + perUser + " observer compiles per user at once.");
    }
    Ticket ticket = new Ticket(session, user);
    if (mayRun(ticket)) {
      start(ticket);
    } else if (waiting.size() >= maxWaiting) {
      throw new Refused(503, "sandbox_busy", "Every place for observer compiles is taken.");
    } else {
      waiting.add(ticket);
    }
    if (user != null) {
      inFlightByUser.merge(user, 1, Integer::sum);
    }
    return ticket;
  }

  /** Compiles holding a running place now. */
  public synchronized int running() {
    return running;
  }

  /** Compiles waiting for a running place now. */
  public synchronized int waiting() {
    return waiting.size();
  }

  private synchronized void leave(Ticket ticket) {
    if (ticket.running) {
      ticket.running = false;
      running--;
      if (ticket.session != null) {
        runningSessions.remove(ticket.session);
      }
    } else if (!waiting.remove(ticket)) {
      return; // superseded, or closed twice: already released
    }
    release(ticket.user);
    for (Iterator<Ticket> it = waiting.iterator(); it.hasNext(); ) {
      Ticket next = it.next();
      if (mayRun(next)) {
        it.remove();
        start(next);
      }
    }
  }

  private boolean mayRun(Ticket ticket) {
    return running < maxRunning
        && (ticket.session == null || !runningSessions.contains(ticket.session));
  }

  private void start(Ticket ticket) {
    ticket.running = true;
    running++;
    if (ticket.session != null) {
      runningSessions.add(ticket.session);
    }
    ticket.turn.complete(null);
  }

  private void release(String user) {
    if (user != null) {
      inFlightByUser.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
    }
  }
}
