package com.interviewroom.common.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The start-up probe for server-side encryption against a store that refuses it the way S3Proxy
 * does: a 501 decided on the request's headers, the connection closed without reading further. The
 * probe must carry no body then, or the client may still be writing one (86 bytes of aws-chunked
 * framing around nothing) into a closed connection and fail the start instead of reading the 501.
 */
class EncryptionProbeTest {
  private static final String BUCKET = "probe-test";
  private static Vertx vertx;
  private static HttpServer store;
  private static final List<String> probeLengths = new CopyOnWriteArrayList<>();
  private static final AtomicLong probeBodyBytes = new AtomicLong();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    store =
        vertx
            .createHttpServer()
            .requestHandler(
                req -> {
                  if (req.method() == HttpMethod.HEAD) {
                    req.response().end();
                  } else if (req.getHeader("x-amz-server-side-encryption") != null) {
                    probeLengths.add(String.valueOf(req.getHeader("Content-Length")));
                    req.handler(body -> probeBodyBytes.addAndGet(body.length()));
                    req.response()
                        .setStatusCode(501)
                        .putHeader("Content-Type", "application/xml")
                        .putHeader("Connection", "close")
                        .end(
                            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NotImplemented</Code>"
                                + "<Message>A header you provided implies functionality that is not implemented</Message></Error>")
                        .onComplete(done -> req.connection().close());
                  } else {
                    req.response().setStatusCode(400).end();
                  }
                })
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName(
      "a store that refuses the encryption header on the headers alone and closes the connection is detected as refusing it, and the probe sent it no body to race that close")
  void probeCarriesNoBody() throws Exception {
    Config.S3 cfg =
        new Config.S3(
            "http://127.0.0.1:" + store.actualPort(), BUCKET, "us-east-1", "key", "secret");
    try (ObjectStore objects = new ObjectStore(vertx, cfg)) {
      assertThat(objects.encryptionRequested()).isTrue();
      objects.ensureBucket().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(objects.encryptionRequested()).isFalse();
    }
    assertThat(probeLengths).containsExactly("0");
    assertThat(probeBodyBytes.get()).isZero();
  }
}
