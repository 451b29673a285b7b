package com.interviewroom.edge.agents;

import com.interviewroom.common.crypto.Hashing;
import com.interviewroom.common.http.ApiException;
import com.interviewroom.edge.llm.AnthropicClient;
import com.interviewroom.edge.notes.InterviewerNotes;
import com.interviewroom.edge.sandbox.SandboxClient;
import com.interviewroom.session.signal.SessionKeys;
import com.interviewroom.session.signal.SessionSignals;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the candidate's code: real syntax diagnostics from the sandbox runner, plus (with an
 * Anthropic key) Claude Haiku's short read of the approach. At most one observation per session
 * every 2 s; an identical (language, code) pair within 5 s is answered from the cache. What it
 * notices reaches the live interviewer as a context note phrased in the interviewer's own voice.
 */
public final class CodeObserver {
  /** The default model ({@code ANTHROPIC_OBSERVER_MODEL} overrides it). */
  public static final String MODEL =
      com.interviewroom.common.config.Config.Models.DEFAULTS.anthropicObserver();

  static final long RATE_WINDOW_MS = 2_000;
  static final long CACHE_SECONDS = 5;

  /** The last code snapshot's hash outlives any interview. */
  static final long SNAPSHOT_KEY_SECONDS = 6 * 3600;

  private static final Logger log = LoggerFactory.getLogger(CodeObserver.class);

  private final Redis redis;
  private final SandboxClient sandbox;
  private final AnthropicClient llm;
  private final String model;

  /** Where each model call's tokens are added to the session; null records nothing. */
  private final LlmUsage usage;

  /** {@code llm} is null without an Anthropic key: diagnostics only. */
  public CodeObserver(Redis redis, SandboxClient sandbox, AnthropicClient llm) {
    this(redis, sandbox, llm, MODEL, null);
  }

  public CodeObserver(
      Redis redis, SandboxClient sandbox, AnthropicClient llm, String model, LlmUsage usage) {
    this.redis = redis;
    this.sandbox = sandbox;
    this.llm = llm;
    this.model = model;
    this.usage = usage;
  }

  public Future<JsonObject> observe(UUID sessionId, String code, String language) {
    return observe(sessionId, null, code, language);
  }

  /**
   * @param userId the session's user, or null: the runner limits observer compiles per session and
   *     per user
   */
  public Future<JsonObject> observe(UUID sessionId, UUID userId, String code, String language) {
    return admit(sessionId)
        .compose(ignored -> cached(language, code))
        .compose(
            hit ->
                hit != null
                    ? Future.succeededFuture(hit.put("cached", true))
                    : fresh(sessionId, userId, language, code))
        .compose(observation -> publish(sessionId, observation).map(observation))
        .compose(observation -> publishCode(sessionId, language, code).map(observation));
  }

  /**
   * The interviewer sees the code as it stands: published as a {@code CODE_SNAPSHOT} note when its
   * whitespace-insensitive form changed since the last one sent for this session, so never faster
   * than observations themselves (one per session per 2 s). A failure never fails the observation.
   */
  private Future<Void> publishCode(UUID sessionId, String language, String code) {
    String hash = Hashing.sha256Hex(language + "\n" + InterviewerNotes.normalized(code));
    Request swap =
        Request.cmd(Command.SET)
            .arg(SessionKeys.observedCode(sessionId))
            .arg(hash)
            .arg("EX")
            .arg(SNAPSHOT_KEY_SECONDS)
            .arg("GET");
    return redis
        .send(swap)
        .compose(
            previous ->
                previous != null && hash.equals(previous.toString())
                    ? Future.<Void>succeededFuture()
                    : redis
                        .send(
                            Request.cmd(Command.PUBLISH)
                                .arg(SessionSignals.context(sessionId))
                                .arg(
                                    new JsonObject()
                                        .put("kind", "CODE_SNAPSHOT")
                                        .put("text", InterviewerNotes.code(language, code))
                                        .encode()))
                        .<Void>mapEmpty())
        .recover(
            err -> {
              log.warn("code snapshot not published: {}", err.getClass().getSimpleName());
              return Future.succeededFuture();
            });
  }

  /** The per-session limit: a key that lives 2 s; a second call inside the window is refused. */
  private Future<Void> admit(UUID sessionId) {
    Request set =
        Request.cmd(Command.SET)
            .arg(SessionKeys.observeRate(sessionId))
            .arg("1")
            .arg("PX")
            .arg(RATE_WINDOW_MS)
            .arg("NX");
    return redis
        .send(set)
        .compose(
            response ->
                response == null
                    ? Future.failedFuture(
                        new ApiException(
                            429,
                            "rate_limited",
                            "Too Many Requests",
                            "At most one observation per session every 2 seconds.",
                            null,
                            2))
                    : Future.succeededFuture());
  }

  private static String cacheKey(String language, String code) {
    return "observe-cache:" + Hashing.sha256Hex(language + "\n" + code);
  }

  private Future<JsonObject> cached(String language, String code) {
    return redis
        .send(Request.cmd(Command.GET).arg(cacheKey(language, code)))
        .map(value -> value == null ? null : new JsonObject(value.toString()));
  }

  private Future<JsonObject> fresh(UUID sessionId, UUID userId, String language, String code) {
    return sandbox
        .check(language, code, sessionId, userId)
        .compose(
            diagnostics ->
                insight(sessionId, language, code)
                    .map(
                        insight ->
                            new JsonObject()
                                .put("diagnostics", diagnostics.items())
                                .put("diagnosticsAvailable", diagnostics.available())
                                .put("insight", insight)
                                .put("source", insight == null ? "diagnostics" : "llm")))
        .compose(
            observation ->
                redis
                    .send(
                        Request.cmd(Command.SET)
                            .arg(cacheKey(language, code))
                            .arg(observation.encode())
                            .arg("EX")
                            .arg(CACHE_SECONDS))
                    .map(observation.copy().put("cached", false)));
  }

  /**
   * Haiku's read, or null: no key, a failed call or an answer outside the schema all mean
   * "diagnostics only".
   */
  private Future<JsonObject> insight(UUID sessionId, String language, String code) {
    if (llm == null) {
      return Future.succeededFuture(null);
    }
    Future<Boolean> within = usage == null ? Future.succeededFuture(true) : usage.withinBudget();
    return within.compose(
        ok -> ok ? modelInsight(sessionId, language, code) : Future.succeededFuture(null));
  }

  private Future<JsonObject> modelInsight(UUID sessionId, String language, String code) {
    AnthropicClient.ToolRequest request =
        new AnthropicClient.ToolRequest(
            model,
            512,
            "You watch a candidate's code during a live coding interview. Report only what the code shows. "
                + "Never reveal a full solution.",
            "Language: " + language + "\n\nCode:\n```\n" + code + "\n```",
            "report_observation",
            "Report observations about the candidate's current code.",
            schema(),
            15_000);
    return llm.callToolWithUsage(request)
        .compose(
            reply ->
                (usage == null
                        ? Future.<Void>succeededFuture()
                        : usage.record(sessionId, "observer", model, reply.usage()))
                    .map(reply.input()))
        .map(CodeObserver::validated)
        .recover(
            failure -> {
              log.warn(
                  "observer model unavailable, diagnostics only: {}",
                  failure.getClass().getSimpleName());
              return Future.succeededFuture(null);
            });
  }

  static JsonObject schema() {
    return new JsonObject()
        .put("type", "object")
        .put(
            "properties",
            new JsonObject()
                .put(
                    "warnings",
                    new JsonObject()
                        .put("type", "array")
                        .put("maxItems", 5)
                        .put("items", new JsonObject().put("type", "string")))
                .put("approach", new JsonObject().put("type", "string"))
                .put("estimatedComplexity", new JsonObject().put("type", "string"))
                .put("suggestRun", new JsonObject().put("type", "boolean")))
        .put(
            "required",
            new JsonArray()
                .add("warnings")
                .add("approach")
                .add("estimatedComplexity")
                .add("suggestRun"))
        .put("additionalProperties", false);
  }

  /** The tool input if it fits the schema exactly, else null. */
  static JsonObject validated(JsonObject input) {
    if (!(input.getValue("warnings") instanceof JsonArray warnings)
        || warnings.size() > 5
        || !(input.getValue("approach") instanceof String approach)
        || approach.length() > 500
        || !(input.getValue("estimatedComplexity") instanceof String complexity)
        || complexity.length() > 100
        || !(input.getValue("suggestRun") instanceof Boolean suggestRun)
        || input.size() != 4) {
      return null;
    }
    JsonArray clean = new JsonArray();
    for (Object w : warnings) {
      if (!(w instanceof String s) || s.isBlank() || s.length() > 300) {
        return null;
      }
      clean.add(s);
    }
    return new JsonObject()
        .put("warnings", clean)
        .put("approach", approach)
        .put("estimatedComplexity", complexity)
        .put("suggestRun", suggestRun);
  }

  private Future<Void> publish(UUID sessionId, JsonObject observation) {
    String text = phrase(observation);
    if (text == null) {
      return Future.succeededFuture();
    }
    JsonObject note = new JsonObject().put("kind", "CODE_OBSERVATION").put("text", text);
    return redis
        .send(
            Request.cmd(Command.PUBLISH).arg(SessionSignals.context(sessionId)).arg(note.encode()))
        .mapEmpty();
  }

  /** Written as the interviewer's own noticing, so it can be used in conversation as it stands. */
  static String phrase(JsonObject observation) {
    List<String> parts = new ArrayList<>();
    JsonArray diagnostics = observation.getJsonArray("diagnostics", new JsonArray());
    if (!diagnostics.isEmpty()) {
      JsonObject first = diagnostics.getJsonObject(0);
      Integer line = first.getInteger("line");
      parts.add(
          "I notice "
              + (line == null ? "a syntax problem" : "a syntax problem on line " + line)
              + ": "
              + first.getString("message")
              + (diagnostics.size() > 1 ? " (and " + (diagnostics.size() - 1) + " more)." : "."));
    }
    JsonObject insight = observation.getJsonObject("insight");
    if (insight != null) {
      parts.add(
          "I notice the approach looks like "
              + insight.getString("approach")
              + ", roughly "
              + insight.getString("estimatedComplexity")
              + ".");
      for (Object warning : insight.getJsonArray("warnings")) {
        parts.add("I notice " + lowerFirst((String) warning));
      }
      if (insight.getBoolean("suggestRun")) {
        parts.add("It might be a good moment to suggest running the code.");
      }
    }
    return parts.isEmpty() ? null : String.join(" ", parts);
  }

  private static String lowerFirst(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
