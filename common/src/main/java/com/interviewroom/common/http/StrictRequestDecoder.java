package com.interviewroom.common.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Vert.x's HTTP/1.1 request decoder, stricter where a proxy in front could read a request
 * differently (request smuggling), and with deadlines against slow clients (slowloris):
 *
 * <ul>
 *   <li>{@code Content-Length} together with {@code Transfer-Encoding}, a {@code Transfer-Encoding}
 *       other than exactly {@code chunked} (e.g. {@code chunked, identity}), {@code
 *       Transfer-Encoding} on HTTP/1.0, and obsolete line folding (a header line starting with a
 *       space or tab) mark the request invalid: the server's invalid-request handler ({@link
 *       HttpGuard}) answers 400 and closes the connection;
 *   <li>a request head not complete within {@code headerTimeoutMs} of its first byte is answered
 *       408 and the connection closed; a body not complete within {@code bodyTimeoutMs} of its head
 *       closes the connection.
 * </ul>
 *
 * One instance per connection (a Netty decoder keeps state).
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {
  /** Why a request was refused; the message is the problem's detail. */
  static final class Refused extends RuntimeException {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  private static final byte[] TIMEOUT_RESPONSE =
      ("HTTP/1.1 408 Request Timeout\r\nContent-Type: application/problem+json\r\n"
              + "Connection: close\r\nContent-Length: %d\r\n\r\n%s")
          .getBytes(StandardCharsets.US_ASCII);

  private final long headerTimeoutMs;
  private final long bodyTimeoutMs;

  /** True from the start of a request head until the decoder has emitted the request. */
  private boolean inHead = true;

  private boolean atLineStart = true;
  private boolean firstLine = true;
  private boolean folded;

  /**
   * After a refused request nothing more is read from this connection: the server answers 400 and
   * closes it.
   */
  private boolean refused;

  private ScheduledFuture<?> deadline;

  StrictRequestDecoder(HttpServerOptions options, long headerTimeoutMs, long bodyTimeoutMs) {
    super(options);
    this.headerTimeoutMs = headerTimeoutMs;
    this.bodyTimeoutMs = bodyTimeoutMs;
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    // Netty would drop Content-Length and go on; a proxy may have used it to frame the body
    throw new Refused("A request may not carry both Content-Length and Transfer-Encoding.");
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out)
      throws Exception {
    if (refused) {
      buffer.skipBytes(buffer.readableBytes());
      return;
    }
    boolean head = inHead;
    int from = buffer.readerIndex();
    if (head && deadline == null && buffer.isReadable() && headerTimeoutMs > 0) {
      deadline =
          ctx.executor()
              .schedule(() -> headerTimedOut(ctx), headerTimeoutMs, TimeUnit.MILLISECONDS);
    }
    int outBefore = out.size();
    super.decode(ctx, buffer, out);
    if (head) {
      // the decoder returns once it has emitted a request, so what it consumed here is head bytes
      // only
      scanHead(buffer, from, buffer.readerIndex());
    }
    for (int i = outBefore; i < out.size(); i++) {
      Object decoded = out.get(i);
      if (decoded instanceof HttpRequest request) {
        inHead = false;
        cancelDeadline();
        refuseIfAmbiguous(request);
        if (bodyTimeoutMs > 0 && request.decoderResult().isSuccess()) {
          deadline =
              ctx.executor().schedule(() -> ctx.close(), bodyTimeoutMs, TimeUnit.MILLISECONDS);
        }
      }
      if (decoded instanceof LastHttpContent) {
        cancelDeadline();
        inHead = true;
        atLineStart = true;
        firstLine = true;
        folded = false;
      }
    }
  }

  /** Line folding: a header line (not the request line) starting with a space or a tab. */
  private void scanHead(ByteBuf buffer, int from, int to) {
    for (int i = from; i < to; i++) {
      byte b = buffer.getByte(i);
      if (atLineStart) {
        if (firstLine && (b == '\r' || b == '\n')) {
          continue; // empty lines before a request are skipped, as the decoder does
        }
        if (!firstLine && (b == ' ' || b == '\t')) {
          folded = true;
        }
        atLineStart = false;
      }
      if (b == '\n') {
        atLineStart = true;
        firstLine = false;
      }
    }
  }

  private void refuseIfAmbiguous(HttpRequest request) {
    if (!request.decoderResult().isSuccess()) {
      return;
    }
    String problem = null;
    List<String> encodings = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
    if (folded) {
      problem = "Header lines may not be folded (a line starting with a space or a tab).";
    } else if (!encodings.isEmpty()
        && (encodings.size() > 1
            || !encodings.get(0).trim().toLowerCase(Locale.ROOT).equals("chunked"))) {
      problem = "Transfer-Encoding must be exactly 'chunked'.";
    } else if (!encodings.isEmpty() && request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
      problem = "Transfer-Encoding is not allowed in HTTP/1.0.";
    } else if (!encodings.isEmpty() && request.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
      problem = "A request may not carry both Content-Length and Transfer-Encoding.";
    }
    if (problem != null) {
      request.setDecoderResult(DecoderResult.failure(new Refused(problem)));
      refused = true;
    }
  }

  private void headerTimedOut(ChannelHandlerContext ctx) {
    deadline = null;
    if (!inHead || !ctx.channel().isActive()) {
      return;
    }
    String body =
        ProblemHandler.body(
                new ApiException(
                    408,
                    "request_timeout",
                    "Request Timeout",
                    "The request head did not arrive within " + headerTimeoutMs + " ms."),
                null)
            .encode();
    String response =
        new String(TIMEOUT_RESPONSE, StandardCharsets.US_ASCII)
            .formatted(body.getBytes(StandardCharsets.UTF_8).length, body);
    ctx.writeAndFlush(Unpooled.copiedBuffer(response, StandardCharsets.UTF_8))
        .addListener(done -> ctx.close());
  }

  private void cancelDeadline() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
    // an upgrade to WebSocket removes the decoder; its deadlines go with it
    cancelDeadline();
    super.handlerRemoved0(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancelDeadline();
    super.channelInactive(ctx);
  }
}
