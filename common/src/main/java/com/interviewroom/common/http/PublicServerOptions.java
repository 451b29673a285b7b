package com.interviewroom.common.http;

import io.vertx.core.http.HttpServerOptions;
import java.util.List;

/** Options of the public listener, shared by the edge and the realtime gateway (they may share one server). */
public final class PublicServerOptions {
  public static final String SUBPROTOCOL = "interview.v1";
  /** A WebSocket frame or message over this closes the socket with 1009. */
  public static final int MAX_WEBSOCKET_FRAME = 64 * 1024;

  private PublicServerOptions() {}

  public static HttpServerOptions create(int port) {
    return new HttpServerOptions()
        .setPort(port)
        .setIdleTimeout(120)
        .setMaxHeaderSize(16 * 1024)
        .setMaxWebSocketFrameSize(MAX_WEBSOCKET_FRAME)
        .setMaxWebSocketMessageSize(MAX_WEBSOCKET_FRAME)
        .setWebSocketSubProtocols(List.of(SUBPROTOCOL))
        .setTcpNoDelay(true);
  }
}
