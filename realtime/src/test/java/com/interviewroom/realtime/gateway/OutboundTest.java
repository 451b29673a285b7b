package com.interviewroom.realtime.gateway;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Outbound writes")
class OutboundTest {

  /**
   * A socket already closed whose close handler has not run yet: Vert.x's own answers in that
   * state.
   */
  private static ServerWebSocket closedSocket(AtomicInteger writes) {
    return (ServerWebSocket)
        Proxy.newProxyInstance(
            OutboundTest.class.getClassLoader(),
            new Class<?>[] {ServerWebSocket.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "isClosed" -> true;
                  case "writeQueueFull" -> throw new IllegalStateException("WebSocket is closed");
                  case "writeTextMessage", "writeBinaryMessage" -> {
                    writes.incrementAndGet();
                    throw new IllegalStateException("WebSocket is closed");
                  }
                  case "drainHandler" -> proxy;
                  default -> null;
                });
  }

  @Test
  @DisplayName(
      "a timer tick or provider audio after the socket closed, before its release, is dropped instead of throwing")
  void sendAfterCloseBeforeRelease() {
    AtomicInteger writes = new AtomicInteger();
    Outbound out =
        new Outbound(
            closedSocket(writes), 1024, 8, new SimpleMeterRegistry().counter("dropped"), () -> {});
    assertDoesNotThrow(
        () -> out.sendJson(new JsonObject().put("type", "timer").put("remainingMs", 1000)));
    assertDoesNotThrow(() -> out.sendAudio(Buffer.buffer(new byte[480])));
    assertEquals(0, writes.get());
    assertEquals(0, out.queuedAudioBytes());
  }
}
