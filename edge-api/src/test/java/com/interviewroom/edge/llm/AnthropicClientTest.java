package com.interviewroom.edge.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.edge.fakes.FakeAnthropic;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The retry rules of the official SDK (anthropic-sdk-python {@code _base_client.py}): 2 retries on
 * 408, 409, 429, 5xx, 529 and timeouts, honouring retry-after-ms / retry-after and x-should-retry;
 * never on other 4xx. Temperature only for models that take it; usage reported per call.
 */
class AnthropicClientTest {
  private static Vertx vertx;
  private static FakeAnthropic fake;
  private static AnthropicClient client;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    fake = new FakeAnthropic(vertx);
    client = new AnthropicClient(vertx, fake.baseUrl(), FakeAnthropic.KEY);
  }

  @AfterAll
  static void stop() throws Exception {
    fake.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void reset() {
    fake.reset();
  }

  private static AnthropicClient.ToolRequest request(long timeoutMs) {
    return request("claude-sonnet-4-6", timeoutMs);
  }

  private static AnthropicClient.ToolRequest request(String model, long timeoutMs) {
    return new AnthropicClient.ToolRequest(
        model,
        256,
        "system",
        "user prompt",
        "record_evaluation",
        "Record.",
        new JsonObject().put("type", "object"),
        timeoutMs);
  }

  /** The tool input, or the {@link LlmException} the call ended with. */
  private static Object call(AnthropicClient c, long timeoutMs) {
    Future<JsonObject> result = c.withRetries(2, () -> c.callTool(request(timeoutMs)));
    try {
      return result.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static final JsonObject ANSWER = new JsonObject().put("summary", "fine");

  @Test
  @DisplayName("a 500 is retried and the second answer is used: two calls")
  void serverErrorThenSuccess() {
    int before = fake.hits.get();
    fake.thenError(500, "api_error", null).thenTool(ANSWER);
    assertThat(call(client, 10_000)).isEqualTo(ANSWER);
    assertThat(fake.hits.get() - before).isEqualTo(2);
  }

  @Test
  @DisplayName("a reply slower than the timeout counts as a timeout and is retried")
  void timeoutRetried() {
    int before = fake.hits.get();
    fake.then(FakeAnthropic.Reply.tool(new JsonObject().put("summary", "too late")).after(4_000))
        .thenTool(ANSWER);
    assertThat(call(client, 1_000)).isEqualTo(ANSWER);
    assertThat(fake.hits.get() - before).isEqualTo(2);
  }

  @Test
  @DisplayName("three 529s exhaust the 2 retries, each after the retry-after the reply named")
  void retryAfterHonoured() {
    int before = fake.hits.get();
    fake.thenError(529, "overloaded_error", "1")
        .thenError(529, "overloaded_error", "1")
        .thenError(529, "overloaded_error", "1")
        .thenTool(ANSWER);
    long start = System.nanoTime();
    Object result = call(client, 10_000);
    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(1_900);
    assertThat(result).isInstanceOf(LlmException.class);
    assertThat(((LlmException) result).status()).isEqualTo(529);
    assertThat(fake.hits.get() - before).isEqualTo(3);
  }

  @Test
  @DisplayName("400, 401 and 404 are never retried")
  void clientErrorsNotRetried() {
    int before = fake.hits.get();
    fake.thenError(400, "invalid_request_error", null).thenTool(ANSWER);
    assertThat(((LlmException) call(client, 10_000)).status()).isEqualTo(400);
    assertThat(fake.hits.get() - before).isEqualTo(1);
    fake.reset();

    before = fake.hits.get();
    AnthropicClient wrongKey = new AnthropicClient(vertx, fake.baseUrl(), "sk-ant-wrong");
    LlmException unauthorized = (LlmException) call(wrongKey, 10_000);
    assertThat(unauthorized.status()).isEqualTo(401);
    assertThat(unauthorized.errorType()).isEqualTo("authentication_error");
    assertThat(fake.hits.get() - before).isEqualTo(1);

    before = fake.hits.get();
    AnthropicClient wrongPath =
        new AnthropicClient(vertx, fake.baseUrl() + "/nope", FakeAnthropic.KEY);
    assertThat(((LlmException) call(wrongPath, 10_000)).status()).isEqualTo(404);
    assertThat(fake.hits.get() - before).isEqualTo(1);
  }

  @Test
  @DisplayName("a 200 without the tool call, or not JSON at all, is a malformed reply, not retried")
  void malformedReplies() {
    int before = fake.hits.get();
    fake.then(
        new FakeAnthropic.Reply(
            200, FakeAnthropic.textMessage("Here is my evaluation: ...", "max_tokens"), null, 0));
    LlmException textOnly = (LlmException) call(client, 10_000);
    assertThat(textOnly.malformedReply()).isTrue();
    assertThat(textOnly.errorType()).isEqualTo("no_tool_use");
    assertThat(textOnly.getMessage()).contains("max_tokens");
    fake.then(new FakeAnthropic.Reply(200, "<html>upstream proxy</html>", null, 0));
    LlmException notJson = (LlmException) call(client, 10_000);
    assertThat(notJson.errorType()).isEqualTo("malformed_response");
    assertThat(fake.hits.get() - before).isEqualTo(2);
  }

  @Test
  @DisplayName(
      "408 and 409 are retried like the SDK does; x-should-retry overrides the status either way")
  void sdkRetryStatuses() {
    int before = fake.hits.get();
    fake.thenError(408, "timeout_error", null)
        .thenError(409, "conflict_error", null)
        .thenTool(ANSWER);
    assertThat(call(client, 10_000)).isEqualTo(ANSWER);
    assertThat(fake.hits.get() - before).isEqualTo(3);

    before = fake.hits.get();
    fake.then(FakeAnthropic.Reply.error(500, "api_error", null).header("x-should-retry", "false"))
        .thenTool(ANSWER);
    assertThat(((LlmException) call(client, 10_000)).status()).isEqualTo(500);
    assertThat(fake.hits.get() - before).isEqualTo(1);
    fake.reset();

    before = fake.hits.get();
    fake.then(
            FakeAnthropic.Reply.error(400, "invalid_request_error", null)
                .header("x-should-retry", "true"))
        .thenTool(ANSWER);
    assertThat(call(client, 10_000)).isEqualTo(ANSWER);
    assertThat(fake.hits.get() - before).isEqualTo(2);
  }

  @Test
  @DisplayName(
      "retry-after-ms wins over retry-after; a wait named beyond the cap falls back to the SDK's backoff")
  void retryAfterMs() {
    fake.then(
            FakeAnthropic.Reply.error(429, "rate_limit_error", "30")
                .header("retry-after-ms", "300"))
        .thenTool(ANSWER);
    long start = System.nanoTime();
    assertThat(call(client, 10_000)).isEqualTo(ANSWER);
    long waited = (System.nanoTime() - start) / 1_000_000;
    assertThat(waited).isBetween(280L, 5_000L);
    assertThat(
            AnthropicClient.retryDelayMs(new LlmException(529, "overloaded_error", "", 120_000), 0))
        .isEqualTo(500);
    assertThat(AnthropicClient.retryDelayMs(new LlmException(529, "overloaded_error", "", 0), 1))
        .isEqualTo(1_000);
    assertThat(AnthropicClient.retryDelayMs(new LlmException(529, "overloaded_error", "", 0), 9))
        .isEqualTo(8_000);
    assertThat(AnthropicClient.retryAfterMs(null, "Wed, 21 Oct 2015 07:28:00 GMT")).isZero();
  }

  @Test
  @DisplayName("an unknown or retired model is a 404 that is not retried")
  void unknownModelNotRetried() {
    int before = fake.hits.get();
    fake.thenTool(ANSWER);
    Future<JsonObject> result =
        client.withRetries(2, () -> client.callTool(request("claude-sonnet-4-5", 10_000)));
    LlmException e =
        (LlmException)
            result
                .toCompletionStage()
                .toCompletableFuture()
                .handle((ok, err) -> err.getCause() != null ? err.getCause() : err)
                .join();
    assertThat(e.status()).isEqualTo(404);
    assertThat(e.errorType()).isEqualTo("not_found_error");
    assertThat(fake.hits.get() - before).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "temperature goes only to models that take it: a model from Opus 4.7 on gets none, and the call succeeds")
  void temperatureOnlyWhereAccepted() {
    assertThat(AnthropicClient.acceptsTemperature("claude-haiku-4-5")).isTrue();
    assertThat(AnthropicClient.acceptsTemperature("claude-sonnet-4-6")).isTrue();
    assertThat(AnthropicClient.acceptsTemperature("claude-sonnet-4-5-20250929")).isTrue();
    assertThat(AnthropicClient.acceptsTemperature("claude-opus-4-20250514")).isTrue();
    assertThat(AnthropicClient.acceptsTemperature("claude-3-5-haiku-latest")).isTrue();
    assertThat(AnthropicClient.acceptsTemperature("claude-opus-4-7")).isFalse();
    assertThat(AnthropicClient.acceptsTemperature("claude-sonnet-5")).isFalse();
    assertThat(AnthropicClient.acceptsTemperature("claude-opus-5")).isFalse();
    assertThat(AnthropicClient.acceptsTemperature("claude-something-new")).isFalse();
    fake.thenTool(ANSWER).thenTool(ANSWER);
    AnthropicClient.ToolReply reply =
        client
            .callToolWithUsage(request("claude-opus-5", 10_000))
            .toCompletionStage()
            .toCompletableFuture()
            .join();
    assertThat(reply.input()).isEqualTo(ANSWER);
    assertThat(fake.requests.get(fake.requests.size() - 1).containsKey("temperature")).isFalse();
    assertThat(reply.usage().model()).isEqualTo("claude-opus-5");
    assertThat(reply.usage().inputTokens()).isEqualTo(812);
    assertThat(reply.usage().outputTokens()).isEqualTo(164);
    assertThat(reply.usage().messageId()).startsWith("msg_");
    client
        .callTool(request("claude-haiku-4-5", 10_000))
        .toCompletionStage()
        .toCompletableFuture()
        .join();
    assertThat(fake.requests.get(fake.requests.size() - 1).getInteger("temperature")).isZero();
  }
}
