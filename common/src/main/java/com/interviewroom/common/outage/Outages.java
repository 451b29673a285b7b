package com.interviewroom.common.outage;

import io.netty.channel.unix.Errors;
import io.vertx.core.VertxException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;

/**
 * Tells an outage of a backing service apart from a bug: the failures a request meets when Postgres
 * or Redis is down, restarting, paused or out of connections. The ProblemHandler answers those with
 * 503 and {@code Retry-After} instead of 500.
 */
public final class Outages {
  /**
   * What {@code Retry-After} says during an outage: about how long the launcher needs to restart an
   * embedded child.
   */
  public static final int RETRY_AFTER_SECONDS = 5;

  private Outages() {}

  /** True when {@code failure} (or one of its causes) means a backing service is unavailable. */
  public static boolean isOutage(Throwable failure) {
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
      if (matches(t)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(Throwable t) {
    if (t instanceof Unavailable
        || t instanceof ConnectException
        || t instanceof NoRouteToHostException
        || t instanceof ClosedChannelException
        || t instanceof ClosedConnectionException
        // the native epoll transport's socket errors (a reset, a broken pipe) are IOExceptions,
        // not the JDK's SocketException
        || t instanceof Errors.NativeIoException) {
      return true;
    }
    if (t instanceof DatabaseException db) {
      String state = db.getSqlState() == null ? "" : db.getSqlState();
      // 08: connection exceptions; 57P01-03: admin/crash shutdown, cannot connect now (starting
      // up or recovering); 53300: too many connections
      return state.startsWith("08") || state.startsWith("57P") || state.equals("53300");
    }
    String message = t.getMessage() == null ? "" : t.getMessage();
    if (t instanceof SocketException) {
      return true;
    }
    if (t instanceof io.vertx.core.impl.NoStackTraceThrowable && message.equals("Timeout")) {
      // the SQL pool's acquire timeout (PoolOptions#setConnectionTimeout) fails this way
      return true;
    }
    if (t instanceof VertxException) {
      String lower = message.toLowerCase(Locale.ROOT);
      // the SQL pool's acquire timeout; a connection closed under a pending command (SQL or Redis)
      return lower.startsWith("timeout waiting for connection")
          || lower.equals("connection is closed")
          || lower.equals("connection closed")
          || lower.equals("pool closed");
    }
    // Redis error replies while it loads its append-only file or cannot serve
    String name = t.getClass().getName();
    return name.equals("io.vertx.redis.client.impl.types.ErrorType")
        && (message.startsWith("LOADING")
            || message.startsWith("CONNECTION_CLOSED")
            || message.startsWith("MASTERDOWN")
            || message.startsWith("TRYAGAIN"));
  }
}
