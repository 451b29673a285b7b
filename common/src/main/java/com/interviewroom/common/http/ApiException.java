package com.interviewroom.common.http;

import com.interviewroom.common.observability.ErrorReports;
import io.vertx.core.json.JsonObject;

/**
 * A failure that maps onto an RFC 9457 problem+json response. Domain code throws or fails futures
 * with this; {@link ProblemHandler} is the only place that turns it into a response body.
 *
 * @param extensions extra members merged into the problem document (for example {@code errors} or
 *     {@code retryAfterSeconds})
 */
public final class ApiException extends RuntimeException implements ErrorReports.WithStatus {
  private final int status;
  private final String code;
  private final String title;
  private final JsonObject extensions;
  private final Integer retryAfterSeconds;

  public ApiException(int status, String code, String title, String detail) {
    this(status, code, title, detail, null, null);
  }

  public ApiException(
      int status,
      String code,
      String title,
      String detail,
      JsonObject extensions,
      Integer retryAfterSeconds) {
    super(detail, null, false, false);
    this.status = status;
    this.code = code;
    this.title = title;
    this.extensions = extensions == null ? new JsonObject() : extensions;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return getMessage();
  }

  public JsonObject extensions() {
    return extensions;
  }

  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
