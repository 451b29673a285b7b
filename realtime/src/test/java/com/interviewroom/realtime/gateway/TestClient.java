package com.interviewroom.realtime.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A candidate's socket as a test sees it: JSON messages in a queue, binary frames counted, the
 * close code.
 */
final class TestClient implements AutoCloseable {
  final WebSocket ws;
  final WebSocketClient client;
  final LinkedBlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();
  final LinkedBlockingQueue<Buffer> audio = new LinkedBlockingQueue<>();
  final AtomicInteger audioFrames = new AtomicInteger();
  final CompletableFuture<Short> closed = new CompletableFuture<>();

  /** Handlers are set before the upgrade: the server may close a refused socket at once. */
  private TestClient(WebSocketClient client, ClientWebSocket ws) {
    this.client = client;
    this.ws = ws;
    ws.textMessageHandler(text -> messages.add(new JsonObject(text)));
    ws.binaryMessageHandler(
        data -> {
          audioFrames.incrementAndGet();
          if (audio.size() < 100) {
            audio.add(data);
          }
        });
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode() == null ? -1 : ws.closeStatusCode()));
  }

  static TestClient connect(
      Vertx vertx, int port, String uri, List<String> protocols, WebSocketClientOptions options) {
    WebSocketClient client =
        vertx.createWebSocketClient(
            options.setMaxFrameSize(256 * 1024).setMaxMessageSize(1024 * 1024));
    WebSocketConnectOptions connect =
        new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI(uri)
            .setSubProtocols(protocols);
    TestClient created = new TestClient(client, client.webSocket());
    try {
      Fixture.await(((ClientWebSocket) created.ws).connect(connect));
    } catch (IllegalStateException e) {
      if (!closedDuringConnect(created.ws)) {
        throw e;
      }
      Short code = created.ws.closeStatusCode();
      created.closed.complete(code == null ? -1 : code);
    }
    return created;
  }

  /**
   * Vert.x's client socket applies its handlers once the handshake is done: a server that closes at
   * once (a refusal) may have closed it first, and applying them then fails the connect with
   * "WebSocket is closed". Such a socket did connect and was closed, with its close code.
   */
  private static boolean closedDuringConnect(WebSocket ws) {
    try {
      return ws.isClosed();
    } catch (IllegalStateException notConnected) {
      return false;
    }
  }

  static TestClient connect(Vertx vertx, int port, String token) {
    return connect(
        vertx, port, "/ws", List.of("interview.v1", token), new WebSocketClientOptions());
  }

  /** The next JSON message of {@code type}, skipping others (timer ticks arrive at any moment). */
  JsonObject next(String type) {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    try {
      while (System.nanoTime() < until) {
        JsonObject message = messages.poll(100, TimeUnit.MILLISECONDS);
        if (message != null && type.equals(message.getString("type"))) {
          return message;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new AssertionError("no " + type + " message arrived");
  }

  short closeCode() {
    try {
      return closed.get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the socket was not closed", e);
    }
  }

  void send(JsonObject message) {
    Fixture.await(ws.writeTextMessage(message.encode()));
  }

  @Override
  public void close() {
    // the server may close first at any moment, failing our close: either way the socket ends up
    // closed
    ws.close().otherwiseEmpty().toCompletionStage().toCompletableFuture().join();
    client.close();
  }
}
