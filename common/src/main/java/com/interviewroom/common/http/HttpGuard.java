package com.interviewroom.common.http;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.common.config.Config;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public listener's defences below routing (docs/runbook.md, "Limits and timeouts"): {@link
 * StrictRequestDecoder} on every connection (ambiguous framing and folded headers refused with a
 * 400 problem and the connection closed; head and body deadlines), and a cap on open connections
 * per client IP (the next one is closed at once). Call {@link #install} before {@code listen}.
 */
public final class HttpGuard {
  private static final Logger log = LoggerFactory.getLogger(HttpGuard.class);
  private static final String DECODER = "httpDecoder";

  /**
   * @param headerTimeoutMs a request head must be complete this long after its first byte ({@code
   *     HTTP_HEADER_TIMEOUT_MS})
   * @param bodyTimeoutMs a request body must be complete this long after its head ({@code
   *     HTTP_BODY_TIMEOUT_MS})
   * @param maxConnectionsPerIp open connections one client IP may hold, 0 for no cap ({@code
   *     HTTP_MAX_CONNECTIONS_PER_IP})
   */
  public record Limits(int headerTimeoutMs, int bodyTimeoutMs, int maxConnectionsPerIp) {
    public static final Limits DEFAULTS = new Limits(10_000, 60_000, 256);
  }

  /**
   * Open connections per {@code localPort/clientIp}: all verticle instances sharing one port count
   * together.
   */
  private static final ConcurrentHashMap<String, AtomicInteger> OPEN = new ConcurrentHashMap<>();

  private HttpGuard() {}

  /**
   * A public listener on {@code port} (edge, or a standalone realtime node): {@link
   * PublicServerOptions}, the {@code HTTP_*} settings' idle timeout, and the guard with their
   * limits.
   */
  public static HttpServer publicServer(Vertx vertx, int port, Config.Resilience settings) {
    HttpServerOptions options =
        PublicServerOptions.create(port).setIdleTimeout(settings.httpIdleTimeoutSeconds());
    return install(
        vertx.createHttpServer(options),
        options,
        new Limits(
            settings.httpHeaderTimeoutMs(),
            settings.httpBodyTimeoutMs(),
            settings.httpMaxConnectionsPerIp()));
  }

  /**
   * Connections this process holds open from {@code clientIp} on {@code localPort} (for tests and
   * diagnostics).
   */
  public static int openConnections(int localPort, String clientIp) {
    AtomicInteger open = OPEN.get(localPort + "/" + clientIp);
    return open == null ? 0 : open.get();
  }

  /**
   * {@code options} must be the ones {@code server} was created with, cleartext HTTP/2 off
   * (PublicServerOptions does that).
   */
  public static HttpServer install(HttpServer server, HttpServerOptions options, Limits limits) {
    if (options.isHttp2ClearTextEnabled()) {
      // with h2c the HTTP/1 pipeline is set up only after the first request was decoded
      throw new IllegalArgumentException(
          "HttpGuard needs HttpServerOptions#setHttp2ClearTextEnabled(false)");
    }
    server.invalidRequestHandler(HttpGuard::invalid);
    server.connectionHandler(connection -> accept(connection, options, limits));
    return server;
  }

  private static void accept(HttpConnection connection, HttpServerOptions options, Limits limits) {
    if (limits.maxConnectionsPerIp() > 0
        && connection.remoteAddress() != null
        && connection.localAddress() != null) {
      String key =
          connection.localAddress().port() + "/" + connection.remoteAddress().hostAddress();
      AtomicInteger open = OPEN.computeIfAbsent(key, k -> new AtomicInteger());
      if (open.incrementAndGet() > limits.maxConnectionsPerIp()) {
        open.decrementAndGet();
        log.warn(
            "connection refused: too many open connections from one address {} {}",
            kv("ip", connection.remoteAddress().hostAddress()),
            kv("limit", limits.maxConnectionsPerIp()));
        connection.close();
        return;
      }
      Runnable release =
          () -> {
            if (open.decrementAndGet() <= 0) {
              OPEN.remove(key, open);
            }
          };
      // the channel's own close: an upgraded WebSocket never fires the HTTP connection's
      // closeHandler, so counting on that leaked one slot per WebSocket until the address was
      // refused for good
      if (connection instanceof ConnectionBase base) {
        base.channel().closeFuture().addListener(closed -> release.run());
      } else {
        connection.closeHandler(closed -> release.run());
      }
    }
    if (connection instanceof ConnectionBase base) {
      Channel channel = base.channel();
      ChannelPipeline pipeline = channel.pipeline();
      if (pipeline.get(DECODER) != null) {
        pipeline.replace(
            DECODER,
            DECODER,
            new StrictRequestDecoder(options, limits.headerTimeoutMs(), limits.bodyTimeoutMs()));
      }
    }
  }

  /**
   * Our refusals as a 400 problem, then close; anything else Netty refused (too long, malformed) as
   * Vert.x does.
   */
  private static void invalid(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    if (!(cause instanceof StrictRequestDecoder.Refused)) {
      HttpServerRequest.DEFAULT_INVALID_REQUEST_HANDLER.handle(request);
      return;
    }
    String body =
        ProblemHandler.body(Problems.badRequest("ambiguous_request", cause.getMessage()), null)
            .encode();
    request
        .response()
        .setStatusCode(400)
        .putHeader("Content-Type", ProblemHandler.CONTENT_TYPE)
        .putHeader("Connection", "close")
        .end(body)
        .onComplete(done -> request.connection().close());
  }
}
