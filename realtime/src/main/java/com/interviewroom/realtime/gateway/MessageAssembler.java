package com.interviewroom.realtime.gateway;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Joins one socket's data frames into messages, in place of Vert.x's own aggregation, which decodes
 * text leniently (invalid UTF-8 becomes U+FFFD) and, past its size limit, drops the message and
 * silently ignores the rest of its fragments for as long as the sender keeps sending. Here a
 * message is counted across its fragments: the first fragment that takes it over {@code maxBytes}
 * ends the socket ({@link Sink#tooBig}, close 1009), and text must be valid UTF-8 ({@link
 * Sink#invalidUtf8}, close 1007). After either, every further frame is ignored while the socket
 * closes. Event loop only.
 */
final class MessageAssembler implements Handler<WebSocketFrame> {
  /** Where complete messages and violations go. */
  interface Sink {
    void text(String message);

    void binary(Buffer message);

    void tooBig();

    void invalidUtf8();
  }

  private final int maxBytes;
  private final Sink sink;
  private final CharsetDecoder utf8 =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);

  /** The fragments of the message in progress, null between messages. */
  private Buffer partial;

  private boolean partialIsText;
  private boolean failed;

  MessageAssembler(int maxBytes, Sink sink) {
    this.maxBytes = maxBytes;
    this.sink = sink;
  }

  @Override
  public void handle(WebSocketFrame frame) {
    if (failed || !(frame.isText() || frame.isBinary() || frame.isContinuation())) {
      return; // ping, pong and close are the connection's business
    }
    Buffer data = frame.binaryData();
    if (!frame.isContinuation()) {
      partial = null;
      partialIsText = frame.isText();
    } else if (partial == null) {
      return; // a continuation with no message begun: the codec refuses that as a protocol error
    }
    int size = (partial == null ? 0 : partial.length()) + data.length();
    if (size > maxBytes) {
      fail();
      sink.tooBig();
      return;
    }
    if (!frame.isFinal()) {
      partial =
          partial == null
              ? Buffer.buffer(Math.min(maxBytes, 2 * data.length())).appendBuffer(data)
              : partial.appendBuffer(data);
      return;
    }
    Buffer message = partial == null ? data : partial.appendBuffer(data);
    partial = null;
    if (!partialIsText) {
      sink.binary(message);
      return;
    }
    String text = decode(message);
    if (text == null) {
      fail();
      sink.invalidUtf8();
    } else {
      sink.text(text);
    }
  }

  private void fail() {
    failed = true;
    partial = null;
  }

  /** Strict UTF-8 (no overlong forms, no surrogates, nothing truncated); null when invalid. */
  private String decode(Buffer message) {
    try {
      return utf8.reset().decode(ByteBuffer.wrap(message.getBytes())).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
