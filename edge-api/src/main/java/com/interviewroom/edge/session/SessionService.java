package com.interviewroom.edge.session;

import com.interviewroom.common.auth.TokenIssuer;
import com.interviewroom.common.http.ApiException;
import com.interviewroom.common.http.Problems;
import com.interviewroom.edge.context.EdgeContext;
import com.interviewroom.edge.events.EventLog;
import com.interviewroom.edge.problem.ProblemRepository;
import com.interviewroom.edge.problem.ProblemRepository.ProblemView;
import com.interviewroom.edge.subscription.SubscriptionAccess;
import com.interviewroom.edge.web.SessionProblems;
import com.interviewroom.schema.Database;
import com.interviewroom.session.SessionLifecycle;
import com.interviewroom.session.SessionLifecycle.NewSession;
import com.interviewroom.session.model.SessionStatus;
import com.interviewroom.session.signal.SessionKeys;
import com.interviewroom.session.store.CodeSnapshotStore;
import com.interviewroom.session.store.UserSessionsRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.SqlConnection;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The edge's side of sessions: what {@code /api/sessions/**} and {@code /api/realtime/token} need
 * beyond the request parsing of {@link SessionRoutes}. Starting and ending are the session module's
 * {@link SessionLifecycle}; here the start is admitted (the sandbox answers), the problem picked
 * and the subscription settled around it. Everything a user reads or changes on their own sessions
 * runs as that user, so row-level security backs every ownership check.
 */
public final class SessionService {
  /** At most one {@code auto} snapshot per session in this window. */
  static final long AUTO_SNAPSHOT_WINDOW_MS = 10_000;

  static final String ENDED_BY_USER = "ended_by_user";

  private final Database db;
  private final Redis redis;
  private final TokenIssuer issuer;
  private final SessionLifecycle lifecycle;
  private final SandboxGate sandbox;
  private final SubscriptionAccess subscriptions;

  SessionService(
      Database db,
      Redis redis,
      TokenIssuer issuer,
      SandboxGate sandbox,
      SubscriptionAccess subscriptions) {
    this.db = db;
    this.redis = redis;
    this.issuer = issuer;
    this.lifecycle = new SessionLifecycle(db, redis);
    this.sandbox = sandbox;
    this.subscriptions = subscriptions;
  }

  public static SessionService create(EdgeContext app, Vertx vertx) {
    return new SessionService(
        app.db(),
        app.redis(),
        app.issuer(),
        SandboxGate.of(vertx, app.config().sandbox()),
        SubscriptionAccess.of(app.config()));
  }

  private record Started(UUID sessionId, ProblemView problem, boolean charged) {}

  /**
   * Picks the problem, spends a credit unless subscribed, and creates the session: one transaction,
   * entered only while the sandbox runner answers (a start it would doom charges nothing). The
   * subscription's tier is settled onto the profile first, so the voice provider the socket picks
   * for this session follows the subscription as it is now (a past_due grace that ran out
   * included).
   */
  public Future<JsonObject> start(Actor actor, StartRequest request) {
    return sandbox
        .admit()
        .compose(
            open ->
                db.asService(
                    sql ->
                        problemFor(sql, actor.userId(), request)
                            .compose(
                                problem ->
                                    subscriptions
                                        .settle(sql, actor.userId())
                                        .compose(
                                            subscribed ->
                                                create(
                                                    sql, actor, problem, request, !subscribed)))))
        .recover(SessionService::asProblem)
        .map(
            started ->
                new JsonObject()
                    .put("sessionId", started.sessionId().toString())
                    .put("status", SessionStatus.SCHEDULED.dbValue())
                    .put("language", request.language())
                    .put("creditCharged", started.charged())
                    .put("groupId", request.groupId())
                    .put("problem", started.problem().json())
                    .put("wsToken", issuer.realtimeToken(actor.userId(), started.sessionId()))
                    .put("expiresIn", TokenIssuer.REALTIME_TTL.toSeconds()));
  }

  private static Future<ProblemView> problemFor(
      SqlConnection sql, UUID userId, StartRequest request) {
    Future<ProblemView> found =
        request.problemSlug() != null
            ? ProblemRepository.bySlug(sql, request.problemSlug())
            : ProblemRepository.random(sql, userId, request.difficulty(), request.category());
    return found.map(
        view -> {
          if (view == null) {
            throw new ApiException(
                404,
                "problem_not_found",
                "Not Found",
                request.problemSlug() != null
                    ? "No problem has this slug."
                    : "No problem matches these filters.");
          }
          return view;
        });
  }

  private static Future<Started> create(
      SqlConnection sql, Actor actor, ProblemView problem, StartRequest request, boolean charge) {
    NewSession session =
        new NewSession(
            actor.userId(),
            problem.id(),
            problem.json().getString("slug"),
            request.language(),
            request.groupId(),
            charge);
    return SessionLifecycle.create(sql, session, actor.origin())
        .map(sessionId -> new Started(sessionId, problem, charge));
  }

  public Future<JsonObject> list(UUID userId, int page, int pageSize) {
    return db.asUser(
            userId,
            sql -> UserSessionsRepository.list(sql, userId, pageSize, (page - 1) * pageSize))
        .map(
            result ->
                new JsonObject()
                    .put("items", new JsonArray(result.items()))
                    .put("page", page)
                    .put("pageSize", pageSize)
                    .put("total", result.total()));
  }

  public Future<JsonObject> get(UUID userId, UUID sessionId) {
    return db.asUser(userId, sql -> UserSessionsRepository.detail(sql, sessionId))
        .map(SessionService::visible);
  }

  /**
   * Ends the caller's session ({@code active → completed}, never-started {@code scheduled →
   * abandoned}); ending an ended session answers with its stored end, changing nothing. {@code
   * session.ended} goes out once the socket, if one is live, has stored its final code and
   * transcript.
   */
  public Future<JsonObject> end(Actor actor, UUID sessionId) {
    return lifecycle
        .endForUser(actor.userId(), sessionId, ENDED_BY_USER, actor.origin())
        .recover(SessionService::asProblem)
        .map(
            outcome -> {
              if (outcome == null) {
                throw notFound();
              }
              return outcome.ended().toJson().put("alreadyEnded", !outcome.changed());
            });
  }

  /** Stores a code snapshot of the caller's session; see docs/api.md for the rules. */
  public Future<JsonObject> snapshot(Actor actor, UUID sessionId, SnapshotRequest snapshot) {
    if (snapshot.code().getBytes(StandardCharsets.UTF_8).length > SnapshotRequest.MAX_CODE_BYTES) {
      return Future.failedFuture(
          new ApiException(
              413,
              "code_too_large",
              "Payload Too Large",
              "Code is limited to " + SnapshotRequest.MAX_CODE_BYTES + " bytes (UTF-8)."));
    }
    boolean isFinal = "final".equals(snapshot.snapshotType());
    boolean isAuto = "auto".equals(snapshot.snapshotType());
    AutoWindow window = new AutoWindow(sessionId);
    Future<JsonObject> stored =
        db.asUser(
            actor.userId(),
            sql ->
                (isFinal
                        ? CodeSnapshotStore.lockFinalSnapshots(sql, sessionId)
                        : Future.<Void>succeededFuture())
                    .compose(v -> CodeSnapshotStore.target(sql, sessionId))
                    .compose(target -> admit(target, isFinal))
                    .compose(v -> isAuto ? window.take() : Future.<Void>succeededFuture())
                    .compose(
                        v ->
                            CodeSnapshotStore.insert(
                                sql,
                                sessionId,
                                snapshot.code(),
                                snapshot.language(),
                                snapshot.snapshotType(),
                                snapshot.timestampMs()))
                    .compose(
                        saved ->
                            EventLog.append(
                                    sql,
                                    actor.event(
                                        sessionId,
                                        "code.snapshot",
                                        new JsonObject()
                                            .put("snapshotType", snapshot.snapshotType())
                                            .put("language", snapshot.language())
                                            .put(
                                                "bytes",
                                                snapshot
                                                    .code()
                                                    .getBytes(StandardCharsets.UTF_8)
                                                    .length)))
                                .map(saved)));
    // an auto snapshot that was not stored (insert or commit failed) gives its window back
    return stored.recover(
        failure -> window.giveBack().transform(ignored -> Future.failedFuture(failure)));
  }

  private static Future<Void> admit(CodeSnapshotStore.Target target, boolean isFinal) {
    if (target == null) {
      return Future.failedFuture(notFound());
    }
    if (target.status() == SessionStatus.ACTIVE) {
      return Future.succeededFuture();
    }
    // after the end, one final snapshot (the tab-close beacon) is still welcome
    if (isFinal && !target.status().isLive() && !target.finalAfterEnd()) {
      return Future.succeededFuture();
    }
    if (isFinal && !target.status().isLive()) {
      return Future.failedFuture(
          Problems.conflict(
              "final_snapshot_exists", "This session already has its final snapshot."));
    }
    return Future.failedFuture(
        Problems.conflict(
            "session_not_active",
            "Code can be saved only while the session is active (it is "
                + target.status().dbValue()
                + ")."));
  }

  /**
   * The Redis key holding a session's current auto-snapshot window; {@code DELETE /api/users/data}
   * removes it.
   */
  public static String autoSnapshotKey(UUID sessionId) {
    return SessionKeys.restAutoSnapshotWindow(sessionId);
  }

  /**
   * Deletes the key only while it still holds this request's token, so it never frees another
   * request's window.
   */
  private static final String GIVE_BACK =
      """
      if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
      return 0""";

  /**
   * One request's claim on a session's auto-snapshot window: {@link #take()} sets the key (NX, with
   * this request's token) before the insert, so concurrent auto snapshots race for it in Redis;
   * {@link #giveBack()} deletes it again when the snapshot was not stored after all.
   */
  private final class AutoWindow {
    private final String key;
    private final String token = UUID.randomUUID().toString();
    private boolean taken;

    AutoWindow(UUID sessionId) {
      this.key = autoSnapshotKey(sessionId);
    }

    Future<Void> take() {
      return redis
          .send(
              Request.cmd(Command.SET)
                  .arg(key)
                  .arg(token)
                  .arg("NX")
                  .arg("PX")
                  .arg(AUTO_SNAPSHOT_WINDOW_MS))
          .compose(
              set -> {
                if (set != null) {
                  taken = true;
                  return Future.<Void>succeededFuture();
                }
                return redis
                    .send(Request.cmd(Command.PTTL).arg(key))
                    .compose(
                        ttl -> {
                          long ms =
                              ttl == null ? AUTO_SNAPSHOT_WINDOW_MS : Math.max(1, ttl.toLong());
                          return Future.failedFuture(
                              Problems.tooManyRequests(
                                  "Automatic snapshots are limited to one per 10 seconds per session.",
                                  (int) ((ms + 999) / 1000)));
                        });
              });
    }

    Future<Void> giveBack() {
      if (!taken) {
        return Future.succeededFuture();
      }
      return redis
          .send(Request.cmd(Command.EVAL).arg(GIVE_BACK).arg(1).arg(key).arg(token))
          .mapEmpty();
    }
  }

  /** A fresh one-time token for {@code /ws}, for a live session of the caller. */
  public Future<JsonObject> realtimeToken(UUID userId, UUID sessionId) {
    return db.asUser(userId, sql -> UserSessionsRepository.status(sql, sessionId))
        .map(
            status -> {
              if (status == null) {
                throw notFound();
              }
              if (!status.isLive()) {
                throw Problems.conflict(
                    "session_ended", "This session has ended (" + status.dbValue() + ").");
              }
              return new JsonObject()
                  .put("token", issuer.realtimeToken(userId, sessionId))
                  .put("expiresIn", TokenIssuer.REALTIME_TTL.toSeconds());
            });
  }

  /**
   * The session module's refusals (no credits left, an illegal or concurrent change) as this API
   * answers them.
   */
  private static <T> Future<T> asProblem(Throwable failure) {
    ApiException problem = SessionProblems.of(failure);
    return Future.failedFuture(problem != null ? problem : failure);
  }

  public static ApiException notFound() {
    return new ApiException(404, "session_not_found", "Not Found", "No such session.");
  }

  private static JsonObject visible(JsonObject detail) {
    if (detail == null) {
      throw notFound();
    }
    return detail;
  }
}
