package com.interviewroom.edge.auth.oauth;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** {@code name=value&...}, form-encoded (RFC 3986 reserved characters and spaces escaped). */
final class Query {
  private Query() {}

  static String of(String... namesAndValues) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      if (namesAndValues[i + 1] == null) {
        continue;
      }
      if (!out.isEmpty()) {
        out.append('&');
      }
      out.append(encode(namesAndValues[i])).append('=').append(encode(namesAndValues[i + 1]));
    }
    return out.toString();
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
