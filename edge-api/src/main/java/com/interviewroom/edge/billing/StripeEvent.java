package com.interviewroom.edge.billing;

import com.interviewroom.common.http.Problems;
import com.interviewroom.edge.web.JsonInput;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The parts of a Stripe event we use: {@code id}, {@code type}, {@code created} (unix seconds) and
 * {@code data.object}. Parsed only after the signature over the raw bytes has been checked.
 */
public record StripeEvent(String id, String type, long created, JsonObject object) {
  /**
   * 9999-12-31T23:59:59Z: a later {@code created} (or a fraction, or 1e30) is not a Stripe
   * timestamp.
   */
  static final long MAX_CREATED = 253_402_300_799L;

  public static StripeEvent parse(Buffer raw) {
    JsonObject json;
    try {
      json = raw.toJsonObject();
    } catch (RuntimeException e) {
      throw Problems.badRequest("malformed_json", "The event body is not a JSON object.");
    }
    JsonInput.refuseNul(json);
    Object id = json.getValue("id");
    Object type = json.getValue("type");
    Object created = json.getValue("created");
    JsonObject data = json.getValue("data") instanceof JsonObject d ? d : null;
    if (!(id instanceof String i)
        || i.isBlank()
        || i.length() > 255
        || !(type instanceof String t)
        || !(created instanceof Number c)
        || c.doubleValue() != Math.rint(c.doubleValue())
        || c.doubleValue() < 0
        || c.doubleValue() > MAX_CREATED
        || data == null
        || !(data.getValue("object") instanceof JsonObject object)) {
      throw Problems.badRequest(
          "invalid_event", "The body is not a Stripe event (id, type, created, data.object).");
    }
    return new StripeEvent(i, t, c.longValue(), object);
  }

  /** {@code data.object.metadata[key]}, or null. */
  public String metadata(String key) {
    JsonObject metadata = object.getValue("metadata") instanceof JsonObject m ? m : null;
    return metadata != null && metadata.getValue(key) instanceof String s ? s : null;
  }
}
