package com.interviewroom.edge.health;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/** One thing readiness checks; {@code critical} ones turn the answer into 503 when down. */
public record Dependency(String name, boolean critical, Supplier<Future<?>> probe) {

  /**
   * A probe's failure that says why: {@code error} and the fields of {@code detail} (public facts
   * such as what the sandbox host lacks, never secrets) appear in the component's readiness entry.
   */
  public static final class Down extends RuntimeException {
    private final JsonObject detail;

    public Down(String error, JsonObject detail) {
      super(error, null, false, false);
      this.detail = detail == null ? new JsonObject() : detail;
    }

    public JsonObject detail() {
      return detail;
    }
  }
}
