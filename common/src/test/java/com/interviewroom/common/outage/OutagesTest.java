package com.interviewroom.common.outage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Errors;
import io.vertx.core.VertxException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OutagesTest {
  @Test
  @DisplayName("a backing service's socket failing or closing is an outage")
  void socketFailures() {
    assertThat(Outages.isOutage(new SocketException("Connection reset"))).isTrue();
    assertThat(Outages.isOutage(new ConnectException("Connection refused"))).isTrue();
    assertThat(
            Outages.isOutage(new RuntimeException("wrapped", ClosedConnectionException.INSTANCE)))
        .isTrue();
    assertThat(Outages.isOutage(VertxException.noStackTrace("Connection is closed"))).isTrue();
  }

  @Test
  @DisplayName(
      "a reset peer on the native epoll transport (what a webhook met while Postgres went down) is an outage")
  void nativeTransportReset() {
    // the exception's message comes from the native library: only where it loads (Linux x86_64)
    assumeTrue(Epoll.isAvailable(), "the native epoll transport is not available here");
    assertThat(
            Outages.isOutage(
                new Errors.NativeIoException("recvAddress", Errors.ERRNO_ECONNRESET_NEGATIVE)))
        .isTrue();
    assertThat(
            Outages.isOutage(
                new Errors.NativeIoException("writeAddress", Errors.ERRNO_EPIPE_NEGATIVE)))
        .isTrue();
  }

  @Test
  @DisplayName("a bug is not an outage")
  void bugs() {
    assertThat(Outages.isOutage(new NullPointerException())).isFalse();
    assertThat(Outages.isOutage(new IOException("no such file"))).isFalse();
    assertThat(Outages.isOutage(new IllegalStateException("bad state"))).isFalse();
  }
}
