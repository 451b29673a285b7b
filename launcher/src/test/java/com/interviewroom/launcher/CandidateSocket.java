package com.interviewroom.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A candidate's socket to {@code /ws} as a browser opens it (the JDK's client, not our Vert.x
 * code): the subprotocols {@code interview.v1} and the one-time token, text frames as JSON, audio
 * as binary. {@link #closed()} completes with the close code, or 1006 when the connection just
 * died.
 */
final class CandidateSocket implements AutoCloseable {
  static final int ABNORMAL = 1006;
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final LinkedBlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final WebSocket socket;

  private CandidateSocket(HttpClient http, int port, String token) {
    this.socket =
        http.newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .subprotocols("interview.v1", token)
            .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new Listener())
            .orTimeout(10, TimeUnit.SECONDS)
            .join();
  }

  static CandidateSocket open(HttpClient http, int port, String token) {
    return new CandidateSocket(http, port, token);
  }

  /** The next message of {@code type} (others are skipped), within 20 s. */
  JsonObject next(String type) throws InterruptedException {
    return next(m -> type.equals(m.getString("type")), type);
  }

  JsonObject next(Predicate<JsonObject> wanted, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      JsonObject message = messages.poll(100, TimeUnit.MILLISECONDS);
      if (message != null && wanted.test(message)) {
        return message;
      }
    }
    throw new AssertionError(
        "no "
            + what
            + " within "
            + WAIT
            + (closed.isDone() ? " (socket closed " + closed.join() + ")" : ""));
  }

  void send(JsonObject message) {
    socket.sendText(message.encode(), true).orTimeout(5, TimeUnit.SECONDS).join();
  }

  void sendAudio(byte[] pcm) {
    socket.sendBinary(ByteBuffer.wrap(pcm), true).orTimeout(5, TimeUnit.SECONDS).join();
  }

  CompletableFuture<Integer> closed() {
    return closed;
  }

  @Override
  public void close() {
    socket.abort();
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        messages.add(new JsonObject(text.toString()));
        text.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      webSocket.request(1); // the interviewer's voice; this client does not play it
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(ABNORMAL);
    }
  }

  static void assertClosedWith(CandidateSocket socket, int code) throws Exception {
    assertThat(socket.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(code);
  }
}
