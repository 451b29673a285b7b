package com.interviewroom.edge.ratelimit;

import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The client address per-IP limits count against: the socket's peer, or, behind a proxy, the header
 * the proxy sets ({@code CLIENT_IP_HEADER}, e.g. Fly's {@code Fly-Client-IP}; only set it when
 * every request passes through that proxy, or clients could choose their own address). An IPv6
 * client counts by its /64, the block one subscriber usually holds.
 */
public final class ClientIp {
  private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  private final String header;

  /** {@code header} null: the socket's address. */
  public ClientIp(String header) {
    this.header = header;
  }

  public String of(RoutingContext ctx) {
    String claimed = header == null ? null : ctx.request().getHeader(header);
    if (claimed != null) {
      int comma = claimed.indexOf(',');
      String first = (comma < 0 ? claimed : claimed.substring(0, comma)).strip();
      String key = key(first);
      if (key != null) {
        return key;
      }
    }
    SocketAddress peer = ctx.request().remoteAddress();
    String address = peer == null ? null : key(peer.hostAddress());
    return address == null ? "unknown" : address;
  }

  /** The counting key of an address literal, or null when it is not one (never a DNS lookup). */
  static String key(String literal) {
    if (literal == null || !LITERAL.matcher(literal).matches()) {
      return null;
    }
    try {
      byte[] bytes = InetAddress.getByName(literal).getAddress(); // a literal: parsed, not resolved
      if (bytes.length == 16) {
        return HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
      }
      return InetAddress.getByAddress(bytes).getHostAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
