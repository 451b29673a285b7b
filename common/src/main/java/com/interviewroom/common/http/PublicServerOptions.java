package com.interviewroom.common.http;

import io.vertx.core.http.HttpServerOptions;
import java.util.List;

/** Options of the public listener, shared by the edge and the realtime gateway (they may share one server). */
public final class PublicServerOptions {
  public static final String SUBPROTOCOL = "interview.v1";
  /** A WebSocket frame or message over this closes the socket with 1009. */
  public static final int MAX_WEBSOCKET_FRAME = 64 * 1024;
  /**
   * What the codec itself accepts. Above {@link #MAX_WEBSOCKET_FRAME} the gateway reads the whole
   * frame and closes with 1009 in an orderly closing handshake: had the codec refused it mid-frame,
   * the server would close TCP with the rest of the frame unread, the kernel would answer with a
   * reset, and the client would see 1006 instead of 1009. Past this hard cap the codec still cuts
   * the connection, so memory stays bounded.
   */
  public static final int WEBSOCKET_CODEC_LIMIT = 1024 * 1024;

  private PublicServerOptions() {}

  public static HttpServerOptions create(int port) {
    return new HttpServerOptions()
        .setPort(port)
        .setIdleTimeout(120)
        .setMaxHeaderSize(16 * 1024)
        .setMaxWebSocketFrameSize(WEBSOCKET_CODEC_LIMIT)
        .setMaxWebSocketMessageSize(WEBSOCKET_CODEC_LIMIT)
        .setWebSocketSubProtocols(List.of(SUBPROTOCOL))
        .setTcpNoDelay(true)
        // HTTP/1.1 and WebSocket only: without the cleartext HTTP/2 upgrade the HTTP/1 decoder is in
        // place before the first byte, so HttpGuard's stricter decoder sees every request
        .setHttp2ClearTextEnabled(false);
  }
}
