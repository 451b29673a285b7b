package com.interviewroom.edge.auth.oauth;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Providers' answers parsed without throwing: anything but the expected JSON shape is null. */
final class Json {
  private Json() {}

  static JsonObject objectOrNull(String body) {
    try {
      return body == null || body.isBlank() || body.charAt(0) != '{' ? null : new JsonObject(body);
    } catch (DecodeException e) {
      return null;
    }
  }

  static JsonArray arrayOrNull(String body) {
    try {
      return body == null || body.isBlank() || body.charAt(0) != '[' ? null : new JsonArray(body);
    } catch (DecodeException e) {
      return null;
    }
  }
}
