package com.interviewroom.edge.console;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.common.config.Config;
import com.interviewroom.schema.console.AlertOutboxStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the queued Slack alerts ({@link AlertOutboxStore}) to the incoming webhook set in the
 * console, as Slack documents it (https://api.slack.com/messaging/webhooks, "Handling errors", and
 * https://api.slack.com/apis/rate-limits): a JSON body with {@code text}; {@code 200 ok} is sent;
 * {@code 429} waits its {@code Retry-After}; a 5xx or no answer is retried with exponential
 * backoff; any other 4xx ({@code invalid_payload}, {@code no_service}, {@code channel_not_found},
 * {@code action_prohibited}, {@code channel_is_archived}) will not get better and is given up.
 * Asynchronous throughout: the event loop never waits on Slack. The webhook URL is a secret and
 * never logged.
 */
public final class SlackAlerts extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(SlackAlerts.class);
  static final long REQUEST_TIMEOUT_MS = 10_000;
  private static final int PER_ROUND = 10;
  private static final double MAX_BACKOFF_SECONDS = 300;

  private final AlertOutboxStore outbox;
  private final long pollMs;
  private WebClient client;
  private long timer = -1;
  private boolean busy;
  private boolean stopping;

  public SlackAlerts(AlertOutboxStore outbox, Config config) {
    this.outbox = outbox;
    this.pollMs = config.console().alertPollMs();
  }

  @Override
  public Future<?> start() {
    client =
        WebClient.create(
            vertx,
            new WebClientOptions().setUserAgent("InterviewRoom-Alerts").setFollowRedirects(false));
    timer = vertx.setPeriodic(pollMs, id -> round());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(timer);
    client.close();
    return Future.succeededFuture();
  }

  /** One round: if a webhook is set, claim what is due and send it, one message after another. */
  private void round() {
    if (busy || stopping) {
      return;
    }
    busy = true;
    outbox
        .webhookUrl()
        .compose(
            url ->
                url == null
                    ? Future.succeededFuture()
                    : outbox.claim(PER_ROUND).compose(due -> sendAll(url, due)))
        .onFailure(
            err ->
                log.warn(
                    "slack alert round failed {}", kv("error", err.getClass().getSimpleName())))
        .onComplete(done -> busy = false);
  }

  private Future<Void> sendAll(String url, List<AlertOutboxStore.Delivery> due) {
    Future<Void> chain = Future.succeededFuture();
    for (AlertOutboxStore.Delivery delivery : due) {
      chain = chain.transform(ignored -> send(url, delivery));
    }
    return chain;
  }

  private Future<Void> send(String url, AlertOutboxStore.Delivery delivery) {
    return client
        .postAbs(url)
        .timeout(REQUEST_TIMEOUT_MS)
        .sendJsonObject(new JsonObject().put("text", delivery.text()))
        .transform(
            ar ->
                ar.succeeded()
                    ? answered(delivery, ar.result())
                    : outbox.retryLater(
                        delivery.key(),
                        backoff(delivery.attempts()),
                        "no answer: " + ar.cause().getClass().getSimpleName()));
  }

  private Future<Void> answered(AlertOutboxStore.Delivery delivery, HttpResponse<Buffer> response) {
    int status = response.statusCode();
    String body = response.bodyAsString() == null ? "" : response.bodyAsString();
    String said = body.length() > 100 ? body.substring(0, 100) : body;
    if (status == 200) {
      log.info(
          "slack alert sent {} {}",
          kv("alert", delivery.key()),
          kv("attempts", delivery.attempts()));
      return outbox.sent(delivery.key());
    }
    log.warn(
        "slack alert refused {} {} {}",
        kv("alert", delivery.key()),
        kv("status", status),
        kv("slackError", said));
    if (status == 429) {
      return outbox.retryLater(
          delivery.key(),
          retryAfter(response.getHeader("Retry-After"), delivery.attempts()),
          status + " " + said);
    }
    if (status >= 500) {
      return outbox.retryLater(delivery.key(), backoff(delivery.attempts()), status + " " + said);
    }
    return outbox.giveUp(delivery.key(), status + " " + said);
  }

  /** 1, 2, 4, ... seconds, at most five minutes. */
  static double backoff(int attempts) {
    return Math.min(MAX_BACKOFF_SECONDS, Math.pow(2, Math.max(0, attempts - 1)));
  }

  /** Slack's {@code Retry-After} is in seconds; without a usable one, the backoff. */
  static double retryAfter(String header, int attempts) {
    try {
      return header == null
          ? backoff(attempts)
          : Math.min(MAX_BACKOFF_SECONDS, Math.max(1, Long.parseLong(header.trim())));
    } catch (NumberFormatException e) {
      return backoff(attempts);
    }
  }
}
