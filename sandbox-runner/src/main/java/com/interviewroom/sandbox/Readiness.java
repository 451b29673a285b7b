package com.interviewroom.sandbox;

import com.interviewroom.sandbox.http.RequestParser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether this runner can run code right now, from a real trivial run per installed language (not
 * merely from being up), reused for {@link #FRESH_MS}. A stale answer is served while a fresh one is
 * computed, so a probe never waits for three runs once the first answer exists.
 *
 * <p>{@code {status: ok|degraded|down, languages: {python: up|missing|<verdict>}, missing: [...]}}:
 * {@code down} when no language can run (bubblewrap missing, say), {@code degraded} when some can.
 */
public final class Readiness {
  static final long FRESH_MS = 5_000;
  private static final Map<String, String> HELLO = Map.of(
      "python", "print(6 * 7)",
      "javascript", "console.log(6 * 7);",
      "java", "public class Main { public static void main(String[] a) { System.out.println(6 * 7); } }");

  private record Answer(JsonObject body, long atMs) {}

  private final SandboxService service;
  private final List<String> missing;
  private final ExecutorService executor;
  private final AtomicReference<Answer> last = new AtomicReference<>();
  private final AtomicReference<CompletableFuture<JsonObject>> refreshing = new AtomicReference<>();

  /** @param service null when the runner could not start; {@code missing} then says why */
  public Readiness(SandboxService service, List<String> missing, ExecutorService executor) {
    this.service = service;
    this.missing = List.copyOf(missing);
    this.executor = executor;
  }

  public boolean canRun() {
    return service != null;
  }

  public List<String> missing() {
    return missing;
  }

  /** The latest answer, refreshed when older than {@link #FRESH_MS}; waits only for the very first one. */
  public CompletableFuture<JsonObject> current() {
    Answer known = last.get();
    if (known != null && System.currentTimeMillis() - known.atMs() < FRESH_MS) {
      return CompletableFuture.completedFuture(known.body());
    }
    CompletableFuture<JsonObject> mine = new CompletableFuture<>();
    CompletableFuture<JsonObject> running = refreshing.compareAndExchange(null, mine);
    if (running == null) {
      running = mine;
      executor.execute(() -> {
        try {
          JsonObject body = probe();
          last.set(new Answer(body, System.currentTimeMillis()));
          mine.complete(body);
        } catch (Throwable e) {
          mine.completeExceptionally(e);
        } finally {
          refreshing.set(null);
        }
      });
    }
    return known != null ? CompletableFuture.completedFuture(known.body()) : running;
  }

  private JsonObject probe() throws InterruptedException {
    JsonObject languages = new JsonObject();
    JsonArray missingNow = new JsonArray(new java.util.ArrayList<>(missing));
    int up = 0;
    for (String language : List.of("python", "javascript", "java")) {
      if (service == null) {
        languages.put(language, "unavailable");
        continue;
      }
      if (service.runtimes().get(language).isEmpty()) {
        languages.put(language, "missing");
        continue;
      }
      RunResult result = service.run(RequestParser.run(new JsonObject().put("language", language).put("code", HELLO.get(language))
          .put("mode", "run")));
      boolean ok = result.verdict() == Verdict.ACCEPTED && "42\n".equals(result.stdout());
      languages.put(language, ok ? "up" : result.verdict().wireName());
      up += ok ? 1 : 0;
    }
    String status = up == 0 ? "down" : up < 3 ? "degraded" : "ok";
    return new JsonObject().put("status", status).put("languages", languages).put("missing", missingNow);
  }
}
