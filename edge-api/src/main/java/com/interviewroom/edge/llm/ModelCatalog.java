package com.interviewroom.edge.llm;

import com.interviewroom.common.config.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the configured models exist, asked of each provider's model lookup: OpenAI and Anthropic
 * {@code GET /v1/models/{id}}, Gemini {@code GET /v1beta/models/{id}} (keys in headers). Results
 * are cached ({@link #OK_TTL_MS} when answered, {@link #FAILED_TTL_MS} when the lookup itself
 * failed), so readiness probes never hammer the providers. A 404 is {@code unavailable} (unknown or
 * retired: a start-up warning and {@code /health/ready} names it); 401/403 {@code key_refused};
 * anything else {@code unchecked}.
 */
public final class ModelCatalog {
  private static final Logger log = LoggerFactory.getLogger(ModelCatalog.class);
  public static final long OK_TTL_MS = 10 * 60_000;
  public static final long FAILED_TTL_MS = 60_000;
  private static final long TIMEOUT_MS = 2_000;

  /** One lookup: which provider, which setting, the model id and how to ask. */
  record Lookup(
      String provider, String setting, String model, String url, Map<String, String> headers) {}

  private record Cached(JsonObject result, long untilMs) {}

  private final WebClient client;
  private final List<Lookup> lookups;
  private final LongSupplier clock;
  private final Map<Lookup, Cached> cache = new HashMap<>();

  public ModelCatalog(Vertx vertx, Config.Providers providers) {
    this(vertx, providers, System::currentTimeMillis);
  }

  ModelCatalog(Vertx vertx, Config.Providers p, LongSupplier clock) {
    this.client = WebClient.create(vertx);
    this.clock = clock;
    Config.Models m = p.models();
    List<Lookup> all = new ArrayList<>();
    if (p.openAiKey() != null) {
      all.add(
          new Lookup(
              "openai",
              "OPENAI_REALTIME_MODEL",
              m.openAiRealtime(),
              rest(p.openAiRealtimeUrl(), "/v1/models/" + m.openAiRealtime()),
              Map.of("Authorization", "Bearer " + p.openAiKey())));
    }
    if (p.geminiKey() != null) {
      String id =
          m.geminiLive().startsWith("models/")
              ? m.geminiLive().substring("models/".length())
              : m.geminiLive();
      all.add(
          new Lookup(
              "gemini",
              "GEMINI_LIVE_MODEL",
              m.geminiLive(),
              rest(p.geminiLiveUrl(), "/v1beta/models/" + id),
              Map.of("x-goog-api-key", p.geminiKey())));
    }
    if (p.anthropicKey() != null) {
      Map<String, String> headers =
          Map.of("x-api-key", p.anthropicKey(), "anthropic-version", AnthropicClient.VERSION);
      String base = p.anthropicBaseUrl().replaceAll("/+$", "");
      all.add(
          new Lookup(
              "anthropic",
              "ANTHROPIC_OBSERVER_MODEL",
              m.anthropicObserver(),
              base + "/v1/models/" + m.anthropicObserver(),
              headers));
      all.add(
          new Lookup(
              "anthropic",
              "ANTHROPIC_EVALUATOR_MODEL",
              m.anthropicEvaluator(),
              base + "/v1/models/" + m.anthropicEvaluator(),
              headers));
    }
    this.lookups = List.copyOf(all);
  }

  /** The REST origin of a WebSocket endpoint (ws→http, wss→https) with {@code path}. */
  static String rest(String websocketUrl, String path) {
    URI uri = URI.create(websocketUrl);
    String scheme = "ws".equalsIgnoreCase(uri.getScheme()) ? "http" : "https";
    return scheme + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + path;
  }

  /** Per provider: {@code [{setting, model, modelStatus, httpStatus?}]}. Never fails. */
  public Future<Map<String, JsonArray>> status() {
    List<Future<JsonObject>> checks = lookups.stream().map(this::check).toList();
    return Future.join(checks)
        .transform(
            done -> {
              Map<String, JsonArray> byProvider = new HashMap<>();
              for (int i = 0; i < lookups.size(); i++) {
                byProvider
                    .computeIfAbsent(lookups.get(i).provider(), k -> new JsonArray())
                    .add(checks.get(i).result());
              }
              return Future.succeededFuture(byProvider);
            });
  }

  /** Logs a warning per configured model the provider does not know; for start-up. */
  public Future<Void> warnUnavailable() {
    return status()
        .map(
            all -> {
              all.values()
                  .forEach(
                      models ->
                          models.forEach(
                              o -> {
                                JsonObject model = (JsonObject) o;
                                if (!"available".equals(model.getString("modelStatus"))
                                    && !"unchecked".equals(model.getString("modelStatus"))) {
                                  log.warn(
                                      "configured model is {}: {}={} (set a current model id)",
                                      model.getString("modelStatus"),
                                      model.getString("setting"),
                                      model.getString("model"));
                                }
                              }));
              return null;
            });
  }

  private Future<JsonObject> check(Lookup lookup) {
    Cached cached = cache.get(lookup);
    if (cached != null && clock.getAsLong() < cached.untilMs()) {
      return Future.succeededFuture(cached.result());
    }
    HttpRequest<Buffer> request = client.getAbs(lookup.url()).timeout(TIMEOUT_MS);
    lookup.headers().forEach(request::putHeader);
    JsonObject base =
        new JsonObject().put("setting", lookup.setting()).put("model", lookup.model());
    return request
        .send()
        .map(
            response -> {
              int status = response.statusCode();
              String verdict =
                  status == 200
                      ? "available"
                      : status == 404
                          ? "unavailable"
                          : status == 401 || status == 403 ? "key_refused" : "unchecked";
              return base.copy().put("modelStatus", verdict).put("httpStatus", status);
            })
        .otherwise(err -> base.copy().put("modelStatus", "unchecked"))
        .onSuccess(
            result ->
                cache.put(
                    lookup,
                    new Cached(
                        result,
                        clock.getAsLong()
                            + ("unchecked".equals(result.getString("modelStatus"))
                                ? FAILED_TTL_MS
                                : OK_TTL_MS))));
  }
}
