package com.interviewroom.common.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Named constructors for the problems every part of the system raises. */
public final class Problems {
  private Problems() {}

  public static ApiException badRequest(String code, String detail) {
    return new ApiException(400, code, "Bad Request", detail);
  }

  /** 400 listing each bad field: {@code errors: [{field, message}]}. */
  public static ApiException validation(JsonArray fieldErrors) {
    return new ApiException(
        400,
        "validation_failed",
        "Bad Request",
        "The request has " + fieldErrors.size() + " invalid field(s).",
        new JsonObject().put("errors", fieldErrors),
        null);
  }

  public static ApiException unauthorized(String detail) {
    return new ApiException(401, "unauthorized", "Unauthorized", detail);
  }

  public static ApiException paymentRequired(String code, String detail) {
    return new ApiException(402, code, "Payment Required", detail);
  }

  public static ApiException forbidden(String detail) {
    return new ApiException(403, "forbidden", "Forbidden", detail);
  }

  public static ApiException notFound(String detail) {
    return new ApiException(404, "not_found", "Not Found", detail);
  }

  public static ApiException conflict(String code, String detail) {
    return new ApiException(409, code, "Conflict", detail);
  }

  public static ApiException payloadTooLarge(String detail) {
    return new ApiException(413, "payload_too_large", "Payload Too Large", detail);
  }

  public static ApiException tooManyRequests(String detail, int retryAfterSeconds) {
    return new ApiException(
        429, "rate_limited", "Too Many Requests", detail, null, Math.max(1, retryAfterSeconds));
  }

  public static ApiException unavailable(String code, String detail, Integer retryAfterSeconds) {
    return new ApiException(503, code, "Service Unavailable", detail, null, retryAfterSeconds);
  }

  public static ApiException internal() {
    return new ApiException(
        500, "internal_error", "Internal Server Error", "An unexpected error occurred.");
  }
}
