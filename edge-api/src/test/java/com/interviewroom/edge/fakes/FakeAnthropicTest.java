package com.interviewroom.edge.fakes;

import static com.interviewroom.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The fake refuses what the real Messages API refuses, so a client bug cannot pass against it. */
class FakeAnthropicTest {
  private static Vertx vertx;
  private static FakeAnthropic fake;
  private static WebClient client;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    fake = new FakeAnthropic(vertx);
    client = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    fake.close();
    await(vertx.close());
  }

  /** A well-formed forced-tool request, as {@code AnthropicClient} sends it. */
  private static JsonObject valid() {
    return new JsonObject()
        .put("model", "claude-haiku-4-5")
        .put("max_tokens", 512)
        .put("temperature", 0)
        .put("system", "You watch code.")
        .put(
            "messages",
            new JsonArray().add(new JsonObject().put("role", "user").put("content", "Code: x = 1")))
        .put(
            "tools",
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("name", "report_observation")
                        .put("description", "Report.")
                        .put(
                            "input_schema",
                            new JsonObject()
                                .put("type", "object")
                                .put("properties", new JsonObject()))))
        .put("tool_choice", new JsonObject().put("type", "tool").put("name", "report_observation"));
  }

  private static HttpResponse<Buffer> send(JsonObject body) {
    return await(
        client
            .postAbs(fake.baseUrl() + "/v1/messages")
            .putHeader("x-api-key", FakeAnthropic.KEY)
            .putHeader("anthropic-version", "2023-06-01")
            .sendJsonObject(body));
  }

  private static void assertInvalid(UnaryOperator<JsonObject> breakIt, String messagePart) {
    HttpResponse<Buffer> response = send(breakIt.apply(valid()));
    assertThat(response.statusCode()).isEqualTo(400);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("type")).isEqualTo("error");
    assertThat(body.getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
    assertThat(body.getJsonObject("error").getString("message")).contains(messagePart);
    assertThat(body.getString("request_id"))
        .startsWith("req_")
        .isEqualTo(response.getHeader("request-id"));
  }

  @Test
  @DisplayName(
      "bad tools, a tool_choice naming an undeclared tool and a temperature outside 0-1 get 400 invalid_request_error")
  void refusesWhatTheRealApiRefuses() {
    assertInvalid(b -> b.put("temperature", 1.5), "temperature");
    assertInvalid(b -> b.put("temperature", -0.1), "temperature");
    assertInvalid(b -> b.put("tools", new JsonObject()), "tools");
    assertInvalid(
        b ->
            b.put(
                "tools",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("name", "has space")
                            .put("input_schema", new JsonObject().put("type", "object")))),
        "tools.0.name");
    assertInvalid(
        b ->
            b.put(
                "tools",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("name", "t")
                            .put("input_schema", new JsonObject().put("type", "array")))),
        "input_schema.type");
    assertInvalid(
        b -> b.put("tools", new JsonArray().add(new JsonObject().put("name", "t"))),
        "input_schema");
    assertInvalid(
        b ->
            b.put(
                "tool_choice",
                new JsonObject().put("type", "tool").put("name", "record_evaluation")),
        "not found");
    assertInvalid(b -> b.put("tool_choice", new JsonObject().put("type", "forced")), "tool_choice");
    assertInvalid(
        b -> {
          b.remove("tools");
          return b;
        },
        "tool_choice");
    assertInvalid(
        b ->
            b.put(
                "messages",
                new JsonArray()
                    .add(new JsonObject().put("role", "assistant").put("content", "hi"))),
        "first message");
    assertInvalid(b -> b.put("max_tokens", 0), "max_tokens");
  }

  @Test
  @DisplayName(
      "a scripted tool answer is a tool_use message with usage including the cache token fields")
  void toolAnswer() {
    fake.thenTool(new JsonObject().put("ok", true));
    HttpResponse<Buffer> response = send(valid());
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject message = response.bodyAsJsonObject();
    assertThat(message.getString("stop_reason")).isEqualTo("tool_use");
    assertThat(message.getJsonArray("content").getJsonObject(0).getString("name"))
        .isEqualTo("report_observation");
    assertThat(message.getJsonObject("usage").fieldNames())
        .contains(
            "input_tokens",
            "output_tokens",
            "cache_creation_input_tokens",
            "cache_read_input_tokens");
  }

  @Test
  @DisplayName("a 429 carries retry-after and an error body with request_id; a wrong key is a 401")
  void errors() {
    fake.thenError(429, "rate_limit_error", "3");
    HttpResponse<Buffer> limited = send(valid());
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.getHeader("retry-after")).isEqualTo("3");
    assertThat(limited.bodyAsJsonObject().getString("request_id")).startsWith("req_");
    HttpResponse<Buffer> unauthorized =
        await(
            client
                .postAbs(fake.baseUrl() + "/v1/messages")
                .putHeader("x-api-key", "wrong")
                .putHeader("anthropic-version", "2023-06-01")
                .sendJsonObject(valid()));
    assertThat(unauthorized.statusCode()).isEqualTo(401);
    assertThat(unauthorized.bodyAsJsonObject().getJsonObject("error").getString("type"))
        .isEqualTo("authentication_error");
  }
}
