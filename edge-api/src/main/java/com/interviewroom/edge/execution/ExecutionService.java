package com.interviewroom.edge.execution;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.common.cost.Kinds;
import com.interviewroom.common.cost.Metered;
import com.interviewroom.common.events.EventStream;
import com.interviewroom.common.http.ApiException;
import com.interviewroom.common.http.Problems;
import com.interviewroom.common.wire.Limits;
import com.interviewroom.edge.events.EventLog;
import com.interviewroom.edge.events.EventRecord;
import com.interviewroom.edge.ratelimit.RateLimiter;
import com.interviewroom.edge.ratelimit.RateLimiter.Limit;
import com.interviewroom.edge.sandbox.SandboxClient;
import com.interviewroom.edge.session.Actor;
import com.interviewroom.schema.Database;
import com.interviewroom.schema.cost.CostLedger;
import com.interviewroom.session.model.SessionStatus;
import com.interviewroom.session.signal.SessionSignals;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/sessions/{id}/execute}: runs the candidate's code in the sandbox against the
 * problem's examples ({@code run}) or examples plus hidden tests ({@code submit}), stores the
 * result as an {@code execution} snapshot, and tells the rest of the system (stream, socket,
 * interviewer).
 */
public final class ExecutionService {
  private static final Logger log = LoggerFactory.getLogger(ExecutionService.class);

  /** Java's compile plus ten tests under the runner's own timeouts, with room for a queue wait. */
  private static final long RUN_TIMEOUT_MS = 45_000;

  /**
   * At most 3 runs a minute per user (across all their sessions) and per session. A run is counted
   * once the request is valid and the session is the caller's and active, just before the runner is
   * called: a refused request uses none up, but a run the runner then cannot take (busy or down)
   * does, so a client retrying a busy runner cannot hammer it past the limit.
   */
  static final Limit PER_USER = new Limit("execute-user", 3, Duration.ofMinutes(1));

  static final Limit PER_SESSION = new Limit("execute-session", 3, Duration.ofMinutes(1));

  private final Database db;
  private final Redis redis;
  private final SandboxClient sandbox;
  private final RateLimiter limits;
  private final EventStream stream;

  private final CostLedger costs;

  public ExecutionService(Database db, Redis redis, SandboxClient sandbox, RateLimiter limits) {
    this(db, redis, sandbox, limits, null);
  }

  /**
   * @param costs the ledger each run's sandbox time is priced into; null keeps none
   */
  public ExecutionService(
      Database db, Redis redis, SandboxClient sandbox, RateLimiter limits, CostLedger costs) {
    this.db = db;
    this.redis = redis;
    this.sandbox = sandbox;
    this.limits = limits;
    this.stream = new EventStream(redis);
    this.costs = costs;
  }

  public record ExecuteRequest(String code, String language, String mode) {}

  public Future<JsonObject> execute(Actor actor, UUID sessionId, ExecuteRequest request) {
    if (request.code().getBytes(StandardCharsets.UTF_8).length > Limits.MAX_CODE_BYTES) {
      return Future.failedFuture(
          new ApiException(
              413,
              "code_too_large",
              "Payload Too Large",
              "Code is limited to " + Limits.MAX_CODE_BYTES + " bytes (UTF-8).",
              null,
              null));
    }
    boolean submit = "submit".equals(request.mode());
    return db.asUser(actor.userId(), sql -> ExecutionRepository.session(sql, sessionId))
        .compose(
            session -> {
              if (session == null) {
                return Future.failedFuture(Problems.notFound("No such session."));
              }
              if (SessionStatus.of(session.status()) != SessionStatus.ACTIVE) {
                return Future.failedFuture(
                    Problems.conflict(
                        "session_not_active",
                        "Code runs only while the interview is active (it is "
                            + session.status()
                            + ")."));
              }
              return limits
                  .consume(PER_USER, actor.userId().toString())
                  .compose(ok -> limits.consume(PER_SESSION, actor.userId() + ":" + sessionId))
                  .compose(
                      ok ->
                          db.asService(
                              sql ->
                                  ExecutionRepository.problem(sql, session.problemId(), submit)));
            })
        .compose(
            problem ->
                sandbox
                    .run(
                        request.language(), request.code(), request.mode(), problem, RUN_TIMEOUT_MS)
                    .recover(
                        failure -> {
                          log.warn(
                              "sandbox run failed {} {}",
                              kv("requestId", actor.requestId()),
                              kv("error", failure.getClass().getSimpleName()));
                          stream
                              .publish(
                                  EventStream.SANDBOX_UNAVAILABLE,
                                  sessionId,
                                  actor.userId(),
                                  actor.requestId(),
                                  new JsonObject()
                                      .put("mode", request.mode())
                                      .put("language", request.language())
                                      .put("error", failure.getClass().getSimpleName()))
                              .onFailure(
                                  err ->
                                      log.warn(
                                          "sandbox.unavailable not published {}",
                                          kv("requestId", actor.requestId())));
                          return Future.failedFuture(
                              Problems.unavailable(
                                  "sandbox_unavailable",
                                  "Code execution is unavailable right now. Your code is safe; try again shortly.",
                                  5));
                        }))
        .map(ExecutionService::forCandidate)
        .compose(
            result ->
                db.asService(
                    sql ->
                        ExecutionRepository.storeResult(
                                sql, sessionId, request.code(), request.language(), result)
                            .compose(
                                snapshotId ->
                                    EventLog.append(
                                            sql,
                                            new EventRecord(
                                                actor.requestId(),
                                                actor.userId(),
                                                sessionId,
                                                null,
                                                "code.executed",
                                                actor.trackedSkillIdHash(),
                                                summary(result, request.mode())
                                                    .put("snapshotId", snapshotId.toString())))
                                        .map(
                                            done ->
                                                result
                                                    .copy()
                                                    .put("snapshotId", snapshotId.toString())))))
        .onSuccess(result -> announce(actor, sessionId, request, result))
        .onSuccess(result -> charge(sessionId, result));
  }

  /**
   * Prices the run's time, keyed by its stored snapshot (once per run). The runner reports
   * wall-clock time; a run's processes share one CPU (the runner's cgroup quota, Limits.cpus), so
   * this is an upper bound of its CPU-seconds (docs/runbook.md, "Costs and budgets").
   */
  private void charge(UUID sessionId, JsonObject result) {
    if (costs == null
        || !(result.getValue("durationMs") instanceof Number ms)
        || result.getString("snapshotId") == null) {
      return;
    }
    java.math.BigDecimal seconds = java.math.BigDecimal.valueOf(ms.longValue()).movePointLeft(3);
    costs
        .record(
            "sandbox:" + result.getString("snapshotId"),
            sessionId,
            new Metered("sandbox", "runner", java.util.Map.of(Kinds.CPU_SECONDS, seconds)))
        .onFailure(
            err ->
                log.warn(
                    "sandbox run cost not recorded {}",
                    kv("error", err.getClass().getSimpleName())));
  }

  /**
   * What the candidate may see: the runner already redacts hidden tests; this keeps only the
   * documented fields so nothing the runner adds later leaks by accident.
   */
  public static JsonObject forCandidate(JsonObject raw) {
    JsonArray tests = new JsonArray();
    for (Object item : raw.getJsonArray("tests", new JsonArray())) {
      if (item instanceof JsonObject t) {
        JsonObject test =
            new JsonObject()
                .put("id", t.getValue("id"))
                .put("hidden", t.getBoolean("hidden", false))
                .put("passed", t.getBoolean("passed", false))
                .put("durationMs", t.getValue("durationMs"));
        if (!test.getBoolean("hidden")) {
          for (String field : new String[] {"input", "expected", "actual", "error", "stdout"}) {
            if (t.containsKey(field)) {
              test.put(field, t.getValue(field));
            }
          }
        }
        tests.add(test);
      }
    }
    return new JsonObject()
        .put("verdict", raw.getString("verdict", "internal_error"))
        .put("stdout", raw.getString("stdout", ""))
        .put("stderr", raw.getString("stderr", ""))
        .put("exitCode", raw.getValue("exitCode"))
        .put("durationMs", raw.getValue("durationMs"))
        .put("tests", tests);
  }

  private static JsonObject summary(JsonObject result, String mode) {
    JsonArray tests = result.getJsonArray("tests");
    long passed = tests.stream().filter(t -> ((JsonObject) t).getBoolean("passed")).count();
    long hidden = tests.stream().filter(t -> ((JsonObject) t).getBoolean("hidden")).count();
    long hiddenPassed =
        tests.stream()
            .filter(
                t -> ((JsonObject) t).getBoolean("hidden") && ((JsonObject) t).getBoolean("passed"))
            .count();
    return new JsonObject()
        .put("mode", mode)
        .put("verdict", result.getString("verdict"))
        .put("passed", passed)
        .put("total", tests.size())
        .put("hiddenPassed", hiddenPassed)
        .put("hiddenTotal", hidden)
        .put("durationMs", result.getValue("durationMs"));
  }

  /**
   * Best effort after the commit: the result is already stored and returned whatever happens here.
   */
  private void announce(Actor actor, UUID sessionId, ExecuteRequest request, JsonObject result) {
    JsonObject summary = summary(result, request.mode()).put("language", request.language());
    stream
        .publish(EventStream.CODE_EXECUTED, sessionId, actor.userId(), actor.requestId(), summary)
        .onFailure(
            err -> log.warn("code.executed not published {}", kv("requestId", actor.requestId())));
    JsonObject signal =
        new JsonObject()
            .put("kind", "EXECUTION_RESULT")
            .put(
                "text",
                com.interviewroom.edge.notes.InterviewerNotes.execution(request.mode(), result))
            .put("payload", result);
    redis
        .send(
            Request.cmd(Command.PUBLISH)
                .arg(SessionSignals.context(sessionId))
                .arg(signal.encode()))
        .onFailure(
            err ->
                log.warn("execution result not signalled {}", kv("requestId", actor.requestId())));
  }
}
