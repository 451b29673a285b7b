package com.interviewroom.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.interviewroom.common.outage.Outages;
import com.interviewroom.common.outage.Unavailable;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ProblemHandlerOutageTest {
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(ProblemHandler.class);
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    logs.start();
    logger.addAppender(logs);
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() {
    logger.detachAppender(logs);
    vertx.close().await();
  }

  @Test
  @DisplayName(
      "a refused, closed or timed-out database or Redis is a 503 problem with Retry-After, not a 500")
  void outagesAre503() {
    for (Throwable failure :
        List.<Throwable>of(
            new ConnectException("Connection refused"),
            ClosedConnectionException.INSTANCE,
            new Unavailable("redis", "no answer within 1000 ms", null),
            new io.vertx.core.impl.NoStackTraceThrowable("Timeout"),
            new RuntimeException("wrapped", new ConnectException("x")))) {
      ApiException problem = ProblemHandler.toProblem(failure, 500);
      assertThat(problem.status()).as(failure.toString()).isEqualTo(503);
      assertThat(problem.code()).isEqualTo("service_unavailable");
      assertThat(problem.retryAfterSeconds()).isEqualTo(Outages.RETRY_AFTER_SECONDS);
    }
    assertThat(ProblemHandler.toProblem(new IllegalStateException("a bug"), 500).status())
        .isEqualTo(500);
  }

  @Test
  @DisplayName(
      "200 requests failing on a dead database log one stack trace, and answer 503 with Retry-After")
  void outageLogsOncePerInterval() throws Exception {
    Router router = Router.router(vertx);
    router.route().handler(ctx -> ctx.fail(new ConnectException("Connection refused")));
    router.route().failureHandler(new ProblemHandler());
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0).await();
    // the JDK's blocking client: a Vert.x client chained from this (non-Vert.x) thread can attach
    // its body handler after the body went by, and then waits for ever
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    AtomicInteger unavailable = new AtomicInteger();
    for (int i = 0; i < 200; i++) {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/x"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 503
          && "5".equals(response.headers().firstValue("Retry-After").orElse(null))) {
        unavailable.incrementAndGet();
      }
    }
    assertThat(unavailable).hasValue(200);
    assertThat(logs.list.stream().filter(e -> e.getThrowableProxy() != null))
        .hasSizeLessThanOrEqualTo(1);
    assertThat(logs.list).hasSizeLessThanOrEqualTo(1);
  }
}
