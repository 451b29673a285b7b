package com.interviewroom.realtime.worker;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of Redis that counts the commands clients send through it (by name, in the
 * RESP request stream), so a test can see how often a connection really talks to Redis.
 */
final class RedisCountingProxy implements AutoCloseable {
  private final NetServer server;
  private final NetClient client;
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

  RedisCountingProxy(Vertx vertx, String redisUrl) throws Exception {
    URI target = URI.create(redisUrl);
    int targetPort = target.getPort() < 0 ? 6379 : target.getPort();
    client = vertx.createNetClient();
    server =
        vertx
            .createNetServer()
            .connectHandler(
                inbound -> {
                  inbound.pause();
                  client
                      .connect(targetPort, target.getHost())
                      .onSuccess(
                          upstream -> {
                            upstream.handler(inbound::write);
                            upstream.closeHandler(v -> inbound.close());
                            inbound.closeHandler(v -> upstream.close());
                            StringBuilder carry = new StringBuilder();
                            inbound.handler(
                                buffer -> {
                                  count(
                                      carry,
                                      buffer.toString(
                                          java.nio.charset.StandardCharsets.ISO_8859_1));
                                  upstream.write(buffer);
                                });
                            inbound.resume();
                          })
                      .onFailure(failure -> inbound.close());
                })
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  /** Each RESP bulk string that follows a {@code *N} array header is a command name. */
  private void count(StringBuilder carry, String chunk) {
    carry.append(chunk);
    int at = 0;
    while (true) {
      int star = carry.indexOf("*", at);
      if (star < 0) {
        break;
      }
      int headerEnd = carry.indexOf("\r\n", star);
      int lengthEnd = headerEnd < 0 ? -1 : carry.indexOf("\r\n", headerEnd + 2);
      if (headerEnd < 0 || lengthEnd < 0 || carry.charAt(headerEnd + 2) != '$') {
        if (headerEnd < 0 || lengthEnd < 0) {
          break;
        }
        at = star + 1;
        continue;
      }
      int length;
      try {
        length = Integer.parseInt(carry.substring(headerEnd + 3, lengthEnd));
      } catch (NumberFormatException e) {
        at = star + 1;
        continue;
      }
      if (carry.length() < lengthEnd + 2 + length) {
        break;
      }
      String name = carry.substring(lengthEnd + 2, lengthEnd + 2 + length).toUpperCase(Locale.ROOT);
      counts.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
      at = lengthEnd + 2 + length;
    }
    carry.delete(0, at);
    if (carry.length() > 1 << 16) {
      carry.setLength(0);
    }
  }

  int commands(String name) {
    AtomicInteger count = counts.get(name);
    return count == null ? 0 : count.get();
  }

  String url() {
    return "redis://127.0.0.1:" + server.actualPort();
  }

  @Override
  public void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
