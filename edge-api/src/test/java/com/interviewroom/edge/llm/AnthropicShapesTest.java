package com.interviewroom.edge.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.edge.agents.CodeObserver;
import com.interviewroom.edge.agents.Evaluator;
import com.interviewroom.edge.agents.Rubric;
import com.interviewroom.edge.fakes.FakeAnthropic;
import com.interviewroom.testkit.ProviderShapes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Pins our Messages API requests and the fake's replies to the official SDK's types ({@code
 * provider-shapes/anthropic-messages.json}, extracted from anthropics/anthropic-sdk-python: {@code
 * MessageCreateParamsBase}, {@code Message}, {@code ErrorResponse}).
 */
class AnthropicShapesTest {
  private static final ProviderShapes SHAPES = ProviderShapes.load("anthropic-messages");
  private static Vertx vertx;
  private static FakeAnthropic fake;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    fake = new FakeAnthropic(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    fake.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @DisplayName(
      "our observer and evaluator requests (with and without temperature) and every kind of fake reply fit the SDK")
  @Test
  void requestsAndRepliesFitTheSdk() throws Exception {
    List<JsonObject> requests =
        List.of(
            new AnthropicClient.ToolRequest(
                    CodeObserver.MODEL,
                    512,
                    "system",
                    "code",
                    "report_observation",
                    "Report.",
                    new JsonObject().put("type", "object"),
                    1_000)
                .body(),
            new AnthropicClient.ToolRequest(
                    Evaluator.MODEL,
                    4096,
                    "system",
                    "prompt",
                    "record_evaluation",
                    "Record.",
                    Rubric.toolSchema(),
                    1_000)
                .body(),
            new AnthropicClient.ToolRequest(
                    "claude-opus-5",
                    4096,
                    "system",
                    "prompt",
                    "record_evaluation",
                    "Record.",
                    Rubric.toolSchema(),
                    1_000)
                .body());
    List<String> problems = new ArrayList<>();
    requests.forEach(r -> problems.addAll(SHAPES.violations("request", r)));

    WebClient web = WebClient.create(vertx);
    fake.thenTool(new JsonObject().put("summary", "ok"))
        .thenError(529, "overloaded_error", "1")
        .then(
            new FakeAnthropic.Reply(
                200, FakeAnthropic.textMessage("text only", "max_tokens"), null, 0));
    List<JsonObject> replies = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      JsonObject body =
          i == 3 ? requests.get(1).copy().put("model", "claude-sonnet-4-5") : requests.get(1);
      replies.add(
          web.postAbs(fake.baseUrl() + "/v1/messages")
              .putHeader("x-api-key", FakeAnthropic.KEY)
              .putHeader("anthropic-version", AnthropicClient.VERSION)
              .sendJsonObject(body)
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS)
              .bodyAsJsonObject());
    }
    assertThat(replies)
        .extracting(r -> r.getString("type"))
        .containsExactly("message", "error", "message", "error");
    for (JsonObject reply : replies) {
      problems.addAll(
          SHAPES.violations("error".equals(reply.getString("type")) ? "error" : "response", reply));
    }
    assertThat(problems.stream().distinct().toList()).as("against " + SHAPES.source()).isEmpty();
    assertThat(SHAPES.violations("request", requests.get(0).copy().put("temprature", 0)))
        .isNotEmpty();
  }
}
