package com.interviewroom.edge.console;

import com.interviewroom.common.http.Problems;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.Locale;

/**
 * What the console accepts as a Slack incoming webhook: in production only {@code
 * https://hooks.slack.com/services/...} (what Slack issues, see
 * https://api.slack.com/messaging/webhooks), so the server cannot be told to post alerts to an
 * arbitrary host; outside production any http(s) URL, for local fakes.
 */
final class SlackWebhookUrl {
  static final String HOST = "hooks.slack.com";

  private SlackWebhookUrl() {}

  /** The URL as given when acceptable; a 400 problem naming the field otherwise. */
  static String check(String raw, boolean production) {
    URI uri;
    try {
      uri = new URI(raw);
    } catch (Exception e) {
      throw invalid("must be a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
      throw invalid("must be a URL with a host and no user or fragment");
    }
    if (production) {
      if (!"https".equals(scheme)
          || !HOST.equals(uri.getHost().toLowerCase(Locale.ROOT))
          || uri.getPort() != -1
          || uri.getRawPath() == null
          || !uri.getRawPath().startsWith("/services/")) {
        throw invalid("must be a Slack incoming webhook: https://hooks.slack.com/services/...");
      }
    } else if (!"https".equals(scheme) && !"http".equals(scheme)) {
      throw invalid("must be an http or https URL");
    }
    return raw;
  }

  private static RuntimeException invalid(String message) {
    return Problems.validation(
        new JsonArray()
            .add(new JsonObject().put("field", "slackWebhookUrl").put("message", message)));
  }
}
