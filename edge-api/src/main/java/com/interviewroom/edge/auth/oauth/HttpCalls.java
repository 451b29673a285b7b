package com.interviewroom.edge.auth.oauth;

import com.interviewroom.edge.auth.SignInRefused;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.concurrent.TimeUnit;

/**
 * The outbound HTTP of provider sign-ins: Vert.x's WebClient (never blocks the event loop), a
 * connect timeout and a deadline on every call. A provider that cannot be reached or does not
 * answer in time is {@code provider_unavailable}.
 */
final class HttpCalls {
  static final long TIMEOUT_MS = 10_000;
  static final String USER_AGENT = "InterviewRoom";

  private final WebClient client;

  HttpCalls(Vertx vertx) {
    this.client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setConnectTimeout(5_000)
                .setUserAgent(USER_AGENT)
                .setFollowRedirects(false)
                .setMaxHeaderSize(32 * 1024));
  }

  HttpRequest<Buffer> get(String url) {
    return client.getAbs(url).timeout(TIMEOUT_MS);
  }

  HttpRequest<Buffer> post(String url) {
    return client.postAbs(url).timeout(TIMEOUT_MS);
  }

  /**
   * {@code call} with the deadline, its transport failures turned into {@code
   * provider_unavailable}.
   */
  static Future<HttpResponse<Buffer>> send(String what, Future<HttpResponse<Buffer>> call) {
    return call.timeout(TIMEOUT_MS + 1_000, TimeUnit.MILLISECONDS)
        .recover(
            failure ->
                Future.failedFuture(
                    new SignInRefused(
                        "provider_unavailable",
                        what + " unreachable: " + failure.getClass().getSimpleName())));
  }
}
