package com.interviewroom.common.http;

import io.vertx.core.http.HttpServerOptions;
import java.util.List;

/**
 * Options of the public listener, shared by the edge and the realtime gateway (they may share one
 * server).
 */
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

  /**
   * No WebSocket compression, ever (Vert.x offers {@code permessage-deflate} and per-frame deflate
   * by default): a handshake offering it gets no {@code Sec-WebSocket-Extensions} back, so the
   * codec never inflates (one small compressed frame could inflate to hundreds of megabytes before
   * any size check) and audio, which deflate barely shrinks, costs no CPU on either side. A frame
   * with a compression bit set is then a protocol error, closed with 1002. Request bodies are not
   * inflated either ({@code Content-Encoding} is not honoured).
   */
  public static HttpServerOptions create(int port) {
    return new HttpServerOptions()
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        .setDecompressionSupported(false)
        .setPort(port)
        .setIdleTimeout(120)
        .setMaxHeaderSize(16 * 1024)
        .setMaxWebSocketFrameSize(WEBSOCKET_CODEC_LIMIT)
        .setMaxWebSocketMessageSize(WEBSOCKET_CODEC_LIMIT)
        .setWebSocketSubProtocols(List.of(SUBPROTOCOL))
        .setTcpNoDelay(true)
        // HTTP/1.1 and WebSocket only: without the cleartext HTTP/2 upgrade the HTTP/1 decoder is
        // in place before the first byte, so HttpGuard's stricter decoder sees every request
        .setHttp2ClearTextEnabled(false);
  }
}
