package com.interviewroom.sandbox;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether this runner can run code right now, from a real trivial run per installed language (not
 * merely from being up), reused for {@link #FRESH_MS}. A stale answer is served while a fresh one
 * is computed, so a probe never waits for the runs.
 *
 * <p>{@code {status: ok|degraded|down|starting, languages: {python: up|missing|<verdict>}, missing:
 * [...]}}: {@code down} when no language can run (bubblewrap missing, say), {@code degraded} when
 * some can.
 */
public final class Readiness {
  static final long FRESH_MS = 10_000; // a Java run costs ~0.4 s of CPU: at most one probe per 10 s

  private record Answer(JsonObject body, long atMs) {}

  private final SandboxService service;
  private final List<String> missing;
  private final ExecutorService executor;
  private final AtomicReference<Answer> last = new AtomicReference<>();
  private final AtomicReference<CompletableFuture<JsonObject>> refreshing = new AtomicReference<>();

  /**
   * @param service null when the runner could not start; {@code missing} then says why
   */
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

  /**
   * The latest answer, refreshed in the background when older than {@link #FRESH_MS}. Before the
   * first probe has finished, a runner that passed its start-up checks answers {@code starting}
   * (200: nothing says it cannot run) rather than keeping the caller waiting for three runs.
   */
  public CompletableFuture<JsonObject> current() {
    Answer known = last.get();
    if (known == null || System.currentTimeMillis() - known.atMs() >= FRESH_MS) {
      refresh();
    }
    if (known != null) {
      return CompletableFuture.completedFuture(known.body());
    }
    if (service == null) {
      return CompletableFuture.completedFuture(unavailable());
    }
    JsonObject languages = new JsonObject();
    LanguageProfile.ALL.forEach(
        l ->
            languages.put(
                l.wireName(),
                service.runtimes().get(l.wireName()).isPresent() ? "starting" : "missing"));
    return CompletableFuture.completedFuture(
        new JsonObject()
            .put("status", "starting")
            .put("languages", languages)
            .put("missing", new JsonArray(new java.util.ArrayList<>(missing))));
  }

  /** Starts a probe unless one is running. */
  public void refresh() {
    CompletableFuture<JsonObject> mine = new CompletableFuture<>();
    if (refreshing.compareAndExchange(null, mine) != null) {
      return;
    }
    executor.execute(
        () -> {
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

  private JsonObject unavailable() {
    JsonObject languages = new JsonObject();
    LanguageProfile.ALL.forEach(l -> languages.put(l.wireName(), "unavailable"));
    return new JsonObject()
        .put("status", "down")
        .put("languages", languages)
        .put("missing", new JsonArray(new java.util.ArrayList<>(missing)));
  }

  private JsonObject probe() throws InterruptedException {
    JsonObject languages = new JsonObject();
    JsonArray missingNow = new JsonArray(new java.util.ArrayList<>(missing));
    int up = 0;
    for (LanguageProfile profile : LanguageProfile.ALL) {
      String language = profile.wireName();
      if (service == null) {
        languages.put(language, "unavailable");
        continue;
      }
      if (service.runtimes().get(language).isEmpty()) {
        languages.put(language, "missing");
        continue;
      }
      RunResult result =
          service.run(
              new RunRequest(profile.language(), profile.probeProgram(), false, null, null));
      boolean ok = result.verdict() == Verdict.ACCEPTED && "42\n".equals(result.stdout());
      languages.put(language, ok ? "up" : result.verdict().wireName());
      up += ok ? 1 : 0;
    }
    String status = up == 0 ? "down" : up < LanguageProfile.ALL.size() ? "degraded" : "ok";
    return new JsonObject()
        .put("status", status)
        .put("languages", languages)
        .put("missing", missingNow);
  }
}
