package com.interviewroom.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The public listener's guard, on real sockets: ambiguous framing, folded headers, slow clients,
 * connection cap.
 */
class HttpGuardTest {
  private static final int HEADER_TIMEOUT_MS = 1_000;
  private static final int BODY_TIMEOUT_MS = 1_500;
  private static final int MAX_PER_IP = 8;

  private Vertx vertx;
  private int port;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create().setBodyLimit(64 * 1024));
    router
        .post("/echo")
        .handler(ctx -> ctx.json(new JsonObject().put("length", ctx.body().length())));
    router.route().failureHandler(new ProblemHandler());
    HttpServerOptions options = PublicServerOptions.create(0);
    HttpServer server =
        HttpGuard.install(
            vertx.createHttpServer(options),
            options,
            new HttpGuard.Limits(HEADER_TIMEOUT_MS, BODY_TIMEOUT_MS, MAX_PER_IP));
    server.webSocketHandler(ws -> ws.textMessageHandler(ws::writeTextMessage));
    port = server.requestHandler(router).listen(0, "127.0.0.1").await().actualPort();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private Socket socket() throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    return socket;
  }

  /**
   * Everything the server sends until it closes the connection (or the read times out: then null).
   */
  private static String readUntilClosed(Socket socket) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[4096];
    try {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        all.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException e) {
      return null;
    } catch (SocketException reset) {
      // a reset after the answer still counts as closed
    }
    return all.toString(StandardCharsets.UTF_8);
  }

  private String exchange(String request) throws IOException {
    try (Socket socket = socket()) {
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      return readUntilClosed(socket);
    }
  }

  @Test
  @DisplayName(
      "Content-Length with Transfer-Encoding, 'chunked, identity' and folded headers: 400 problem and the connection closed")
  void ambiguousFramingRefused() throws IOException {
    List<String> smuggling =
        List.of(
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "2\r\n{}\r\n0\r\n\r\n",
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked, identity\r\n\r\n"
                + "2\r\n{}\r\n0\r\n\r\n",
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n"
                + "2\r\n{}\r\n0\r\n\r\n",
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type:\r\n application/json\r\nContent-Length: 2\r\n\r\n{}",
            "POST /echo HTTP/1.1\r\nHost: x\r\nX-Long: a\r\n\tb\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
    for (String request : smuggling) {
      // a second, well-formed request follows on the same connection: it must never be answered
      String answer = exchange(request + "GET /echo HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(answer).as("closed after answering: " + request).isNotNull();
      assertThat(answer).as(request).startsWith("HTTP/1.1 400 ");
      assertThat(answer)
          .contains("application/problem+json")
          .contains("\"code\":\"ambiguous_request\"");
      assertThat(answer.split("HTTP/1.1 ", -1)).as("one answer only").hasSize(2);
    }
  }

  @Test
  @DisplayName("well-formed chunked and Content-Length requests are served and the connection kept")
  void wellFormedServed() throws IOException {
    try (Socket socket = socket()) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                  + "2\r\n{}\r\n0\r\n\r\n"
                  + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
              .getBytes(StandardCharsets.US_ASCII));
      String answers = readUntilClosed(socket);
      assertThat(answers).isNotNull();
      assertThat(answers.split("HTTP/1.1 200 ", -1)).hasSize(3);
    }
  }

  @Test
  @DisplayName(
      "slowloris: 40 connections sending a header byte every 300 ms are each answered 408 and closed at the header timeout")
  void slowHeadersCut() throws Exception {
    List<Socket> slow = new ArrayList<>();
    List<Thread> senders = new ArrayList<>();
    long started = System.nanoTime();
    // spread over several client addresses of the loopback net, as many clients would be
    for (int i = 0; i < 40; i++) {
      Socket s = new Socket();
      s.bind(new java.net.InetSocketAddress("127.0.0." + (2 + i % 10), 0));
      s.connect(new java.net.InetSocketAddress("127.0.0.1", port));
      s.setSoTimeout(10_000);
      slow.add(s);
      senders.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      OutputStream out = s.getOutputStream();
                      out.write(
                          "GET /echo HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                      while (true) {
                        Thread.sleep(300);
                        out.write('X');
                        out.flush();
                      }
                    } catch (Exception closed) {
                      // the server closed the connection
                    }
                  }));
    }
    for (Socket s : slow) {
      String answer = readUntilClosed(s);
      assertThat(answer).as("closed by the server").isNotNull();
      assertThat(answer).startsWith("HTTP/1.1 408 ").contains("\"code\":\"request_timeout\"");
    }
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    assertThat(tookMs).isLessThan(HEADER_TIMEOUT_MS + 3_000);
    for (Thread t : senders) {
      t.join(5_000);
    }
    for (Socket s : slow) {
      s.close();
    }
    assertThat(
            exchange(
                "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"))
        .as("a normal client is still served")
        .startsWith("HTTP/1.1 200 ");
  }

  @Test
  @DisplayName("a body that stops arriving closes the connection at the body timeout")
  void slowBodyCut() throws IOException {
    try (Socket socket = socket()) {
      long started = System.nanoTime();
      socket
          .getOutputStream()
          .write(
              ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":")
                  .getBytes(StandardCharsets.US_ASCII));
      assertThat(readUntilClosed(socket)).as("closed by the server").isNotNull();
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      assertThat(tookMs).isBetween((long) BODY_TIMEOUT_MS - 200, (long) BODY_TIMEOUT_MS + 3_000);
    }
  }

  @Test
  @DisplayName(
      "one address may hold at most the configured number of connections; a freed slot is usable again")
  void connectionCapPerAddress() throws Exception {
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < MAX_PER_IP; i++) {
      Socket s = socket();
      s.getOutputStream()
          .write(
              "GET /echo HTTP/1.1\r\nHost: x\r\n"
                  .getBytes(StandardCharsets.US_ASCII)); // an open head
      held.add(s);
    }
    Thread.sleep(200);
    try (Socket extra = socket()) {
      extra
          .getOutputStream()
          .write("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String answer = readUntilClosed(extra);
      assertThat(answer).as("closed without an answer").isEqualTo("");
    }
    held.remove(0).close();
    Thread.sleep(200);
    String served =
        exchange(
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
    assertThat(served).startsWith("HTTP/1.1 200 ");
    for (Socket s : held) {
      s.close();
    }
  }

  @Test
  @DisplayName(
      "a closed WebSocket frees its place under the per-IP cap (upgraded connections are counted out too)")
  void webSocketsReleaseTheirPlace() {
    io.vertx.core.http.WebSocketClient client = vertx.createWebSocketClient();
    for (int i = 0; i < MAX_PER_IP * 4; i++) {
      io.vertx.core.http.WebSocket ws = client.connect(port, "127.0.0.1", "/ws").await();
      ws.close().await();
      // the server sees the close a moment later; the cap must count it out before long
      long deadline = System.currentTimeMillis() + 2_000;
      while (openFromLoopback() > 0 && System.currentTimeMillis() < deadline) {
        Thread.onSpinWait();
      }
    }
    assertThat(client.connect(port, "127.0.0.1", "/ws").await().isClosed()).isFalse();
  }

  private int openFromLoopback() {
    return HttpGuard.openConnections(port, "127.0.0.1");
  }
}
