package com.interviewroom.edge.internal;

import io.vertx.core.json.JsonObject;

/** What an internal endpoint answers; stored as-is for idempotent replays. */
public record InternalReply(int status, JsonObject body) {
  public static InternalReply ok(JsonObject body) {
    return new InternalReply(200, body);
  }

  JsonObject toJson() {
    return new JsonObject().put("status", status).put("body", body);
  }

  static InternalReply fromJson(JsonObject json) {
    return new InternalReply(
        json.getInteger("status"), json.getJsonObject("body", new JsonObject()));
  }
}
