package com.interviewroom.realtime.gateway;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client written byte by byte, for what a well-behaved client library will not send:
 * the handshake headers a browser sends (offering {@code permessage-deflate}), frames with a
 * compression bit, invalid UTF-8, fragments of any size. Frames are masked as a client's must be.
 */
final class RawSocket implements AutoCloseable {
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int CONTINUATION = 0x0;
  static final int FIN = 0x80;
  static final int RSV1 = 0x40;

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  final String statusLine;

  /** Response headers, names in lower case. */
  final Map<String, String> headers;

  /** Text messages the server sent, in order. */
  final List<String> texts = new CopyOnWriteArrayList<>();

  /** Every frame the server sent had RSV1 clear (nothing compressed). */
  boolean sawCompressedFrame;

  private RawSocket(
      Socket socket,
      DataInputStream in,
      OutputStream out,
      String statusLine,
      Map<String, String> headers) {
    this.socket = socket;
    this.in = in;
    this.out = out;
    this.statusLine = statusLine;
    this.headers = headers;
  }

  /**
   * Opens {@code /ws} as Chrome does: subprotocol and token, and {@code permessage-deflate}
   * offered.
   */
  static RawSocket browser(int port, String token) throws IOException {
    return open(
        port,
        Map.of(
            "Sec-WebSocket-Protocol",
            "interview.v1, " + token,
            "Sec-WebSocket-Extensions",
            "permessage-deflate; client_max_window_bits"));
  }

  static RawSocket open(int port, Map<String, String> extraHeaders) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(15_000);
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    StringBuilder request =
        new StringBuilder()
            .append("GET /ws HTTP/1.1\r\n")
            .append("Host: 127.0.0.1:")
            .append(port)
            .append("\r\n")
            .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
            .append("Sec-WebSocket-Key: ")
            .append(Base64.getEncoder().encodeToString(nonce))
            .append("\r\n")
            .append("Sec-WebSocket-Version: 13\r\n")
            .append("Origin: http://localhost\r\n");
    extraHeaders.forEach(
        (name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
    request.append("\r\n");
    OutputStream out = socket.getOutputStream();
    out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    DataInputStream in = new DataInputStream(socket.getInputStream());
    String status = line(in);
    Map<String, String> headers = new HashMap<>();
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      int colon = header.indexOf(':');
      headers.put(
          header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          header.substring(colon + 1).trim());
    }
    return new RawSocket(socket, in, out, status, headers);
  }

  private static String line(DataInputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new EOFException("connection closed during the handshake");
      }
      if (b != '\r') {
        bytes.write(b);
      }
    }
    return bytes.toString(StandardCharsets.ISO_8859_1);
  }

  /**
   * Writes one masked frame; {@code first} is FIN, RSV bits and opcode, e.g. {@code FIN | TEXT}.
   */
  void frame(int first, byte[] payload) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
    frame.write(first);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else if (payload.length < 65_536) {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xff);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((long) payload.length >>> shift) & 0xff);
      }
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.write(mask);
    byte[] masked = new byte[payload.length];
    for (int i = 0; i < payload.length; i++) {
      masked[i] = (byte) (payload[i] ^ mask[i & 3]);
    }
    frame.write(masked);
    out.write(frame.toByteArray());
    out.flush();
  }

  void text(String message) throws IOException {
    frame(FIN | TEXT, message.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads the server's frames (keeping its text messages) until a text message containing {@code
   * fragment} arrives; false when the socket closed or {@code within} passed first.
   */
  boolean awaitText(String fragment, Duration within) throws IOException {
    long until = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < until) {
      int code = readFrame();
      if (code == -2 && texts.getLast().contains(fragment)) {
        return true;
      }
      if (code >= -1 && code != -3) {
        return false;
      }
    }
    return false;
  }

  /**
   * Reads the server's frames until its close frame: its status code, or -1 when TCP ended without
   * one.
   */
  int closeCode() throws IOException {
    while (true) {
      int code = readFrame();
      if (code >= -1) {
        return code;
      }
    }
  }

  /**
   * One frame: -2 for a text message (added to {@link #texts}), -3 for any other data or control
   * frame, the close code, or -1 at the end.
   */
  private int readFrame() throws IOException {
    int b0;
    try {
      b0 = in.read();
    } catch (SocketTimeoutException | java.net.SocketException e) {
      return -1;
    }
    if (b0 < 0) {
      return -1;
    }
    if ((b0 & RSV1) != 0) {
      sawCompressedFrame = true;
    }
    int b1 = in.readUnsignedByte();
    long length = b1 & 0x7f;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    byte[] payload = new byte[(int) length];
    in.readFully(payload);
    int opcode = b0 & 0x0f;
    if (opcode == 0x8) {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
    }
    if (opcode == TEXT) {
      texts.add(new String(payload, StandardCharsets.UTF_8));
      return -2;
    }
    return -3;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
