package com.interviewroom.edge.web;

import com.interviewroom.common.http.Problems;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;

/**
 * For routes that take no input ({@code GET /api/users/profile}, {@code POST
 * /api/sessions/{id}/end}, ...): any query parameter and any body field is refused with one 400
 * listing each, exactly as {@link QueryInput} and {@link JsonInput} refuse unknown ones, so a
 * client's typo or a misplaced parameter never passes silently. An empty body and an empty JSON
 * object are fine.
 *
 * <pre>{@code
 * NoInput.check(ctx);   // throws the 400 problem when anything was sent
 * }</pre>
 */
public final class NoInput {
  private NoInput() {}

  public static void check(RoutingContext ctx) {
    JsonArray errors = QueryInput.of(ctx).problems();
    RequestBody body = ctx.body();
    if (body != null && body.length() > 0 && !body.asString().isBlank()) {
      JsonObject fields = asObject(body);
      if (fields == null) {
        errors.add(
            new JsonObject()
                .put("field", "body")
                .put("message", "must be empty: this route takes no request body"));
      } else {
        errors.addAll(JsonInput.of(fields).problems());
      }
    }
    if (!errors.isEmpty()) {
      throw Problems.validation(errors);
    }
  }

  private static JsonObject asObject(RequestBody body) {
    try {
      return body.asJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }
}
