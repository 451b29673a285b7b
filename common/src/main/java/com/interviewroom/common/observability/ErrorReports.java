package com.interviewroom.common.observability;

import com.interviewroom.common.config.Config;
import io.sentry.Hint;
import io.sentry.Sentry;
import io.sentry.SentryEvent;
import io.sentry.protocol.Message;
import io.sentry.protocol.SentryException;
import io.sentry.protocol.User;
import io.vertx.core.http.HttpClosedException;
import io.vertx.ext.web.handler.HttpException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Unhandled failures to Sentry (enabled by {@code SENTRY_DSN}). Callers pass the failure and what
 * they know of {@link #TAGS}; expected failures (4xx problems, auth refusals, client disconnects)
 * are never sent, and {@link #scrub} runs on every event before it leaves the process: no request
 * data, no breadcrumbs, no extras, a user reduced to its id, and token-, key- and payload-shaped
 * text redacted from messages, so secrets, transcripts and code stay here.
 */
public final class ErrorReports {
  /**
   * A failure that carries the HTTP status it answers with (the problem+json {@code ApiException}):
   * below 500 it is the client's mistake or a refusal, not ours. An interface here, so this package
   * needs nothing of the HTTP one that reports through it.
   */
  public interface WithStatus {
    int status();
  }

  public static final String SESSION_ID = "sessionId";
  public static final String USER_ID = "userId";
  public static final String PROVIDER = "provider";
  public static final String REQUEST_ID = "requestId";

  /**
   * {@code web} on what the browser reported ({@link #reportClient}); absent on the server's own
   * failures.
   */
  public static final String SOURCE = "source";

  /** The only tags an event may carry (plus {@code role}, set at start). */
  public static final Set<String> TAGS =
      Set.of(SESSION_ID, USER_ID, PROVIDER, REQUEST_ID, SOURCE, "role");

  /** Stack frames kept from a browser's report. */
  static final int MAX_CLIENT_FRAMES = 30;

  // a URL's query string and fragment (tokens, session ids, codes ride there), and e-mail addresses
  private static final Pattern URL_TAIL =
      Pattern.compile(
          "((?:https?|wss?|blob|file)://[^\\s?#\"'()<>]*|(?<![\\w/])/[\\w./%-]*)[?#][^\\s\"'()<>]*");
  private static final Pattern EMAIL = Pattern.compile("[\\w.+-]{1,64}@[\\w-]+(\\.[\\w-]+)+");
  // Chrome "    at fn (url:line:col)" or "    at url:line:col"; Firefox and Safari
  // "fn@url:line:col"
  private static final Pattern FRAME =
      Pattern.compile(
          "^\\s*(?:at\\s+(?:(.+?)\\s+\\()?(.+?):(\\d+):(\\d+)\\)?|(.*?)@(.+?):(\\d+):(\\d+))\\s*$");

  static final int MAX_MESSAGE = 300;
  private static final String REDACTED = "[redacted]";
  private static final List<Pattern> TOKENS =
      List.of(
          // Authorization values, JWTs, provider and Stripe keys, webhook secrets
          Pattern.compile("(?i)\\b(bearer|basic)\\s+[A-Za-z0-9._~+/=-]+"),
          Pattern.compile("\\beyJ[A-Za-z0-9_-]{5,}(\\.[A-Za-z0-9_-]*){0,2}"),
          Pattern.compile(
              "\\b(sk|rk|pk)_(live|test)_[A-Za-z0-9]+|\\bwhsec_[A-Za-z0-9]+|\\bsk-[A-Za-z0-9_-]{8,}|\\bAIza[0-9A-Za-z_-]{20,}"));
  // name=value and "name": "value" pairs whose name says secret, transcript or code
  private static final Pattern PAIRS =
      Pattern.compile(
          "(?i)((?:api[_-]?key|token|secret|password|authorization|cookie|signature|code|text|transcript|audio|delta)\"?\\s*[:=]\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"|[^\\s,;&}]+)");

  private ErrorReports() {}

  /** Starts the SDK when a DSN is configured; without one every report is a no-op. */
  public static void init(Config.ErrorTracking config, String role) {
    if (!config.enabled()) {
      return;
    }
    Sentry.init(
        options -> {
          options.setDsn(config.dsn());
          options.setSampleRate(config.sampleRate());
          options.setEnvironment(config.environment());
          options.setRelease(config.release());
          options.setSendDefaultPii(false);
          options.setEnableExternalConfiguration(false);
          options.setEnableAutoSessionTracking(false);
          options.setSendClientReports(false);
          options.setAttachServerName(false);
          options.setMaxBreadcrumbs(0);
          options.setTracesSampleRate(null);
          options.setEnableUncaughtExceptionHandler(true);
          options.setBeforeSend(ErrorReports::beforeSend);
          options.setTag("role", role);
        });
  }

  public static void close() {
    Sentry.close();
  }

  /**
   * Sends {@code failure} with the known tags (null values are left out), unless it is expected.
   */
  public static void report(Throwable failure, Map<String, String> tags) {
    if (failure == null || !Sentry.isEnabled() || expected(failure)) {
      return;
    }
    Sentry.captureException(
        failure,
        scope ->
            tags.forEach(
                (name, value) -> {
                  if (value != null && TAGS.contains(name)) {
                    scope.setTag(name, value);
                  }
                  if (USER_ID.equals(name) && value != null) {
                    User user = new User();
                    user.setId(value);
                    scope.setUser(user);
                  }
                }));
  }

  /**
   * Tags from name/value pairs, skipping null values: {@code tags(SESSION_ID, id, REQUEST_ID,
   * rid)}.
   */
  public static Map<String, String> tags(Object... nameValues) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (int i = 0; i + 1 < nameValues.length; i += 2) {
      if (nameValues[i + 1] != null) {
        tags.put(String.valueOf(nameValues[i]), String.valueOf(nameValues[i + 1]));
      }
    }
    return tags;
  }

  /**
   * What the web client reported about its own failure ({@code POST /api/client-errors}): {@code
   * kind} is {@code error} or {@code unhandledrejection}; the rest is what the page saw.
   */
  public record ClientError(String kind, String name, String message, String stack, String page) {}

  /**
   * Sends a browser's error, tagged {@code source=web}: URLs lose their query strings and
   * fragments, e-mail addresses and token-shaped text are redacted ({@link #scrubClientText}), the
   * stack becomes frames (function, file without query, line, column) and nothing else of the page
   * goes along. Returns false when error tracking is off.
   */
  public static boolean reportClient(ClientError error) {
    if (!Sentry.isEnabled()) {
      return false;
    }
    SentryEvent event = new SentryEvent();
    event.setLevel(io.sentry.SentryLevel.ERROR);
    event.setPlatform("javascript");
    Message message = new Message();
    message.setFormatted(scrubClientText(error.message()));
    event.setMessage(message);
    SentryException exception = new SentryException();
    exception.setType(error.name() == null ? "Error" : scrubClientText(error.name()));
    exception.setValue(scrubClientText(error.message()));
    java.util.List<io.sentry.protocol.SentryStackFrame> frames = clientFrames(error.stack());
    if (!frames.isEmpty()) {
      exception.setStacktrace(new io.sentry.protocol.SentryStackTrace(frames));
    }
    event.setExceptions(List.of(exception));
    event.setTag(SOURCE, "web");
    event.setTransaction(error.page() == null ? null : scrubClientText(error.page()));
    Sentry.captureEvent(event);
    return true;
  }

  /**
   * Browser text as it may leave: URLs without query or fragment, no e-mail addresses, then {@link
   * #redact}.
   */
  public static String scrubClientText(String text) {
    if (text == null) {
      return null;
    }
    String out = URL_TAIL.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
    out = EMAIL.matcher(out).replaceAll(REDACTED);
    return redact(out);
  }

  /**
   * The frames of a browser's stack, innermost last as Sentry expects; lines that are not frames
   * are dropped.
   */
  static java.util.List<io.sentry.protocol.SentryStackFrame> clientFrames(String stack) {
    java.util.List<io.sentry.protocol.SentryStackFrame> frames = new java.util.ArrayList<>();
    if (stack == null) {
      return frames;
    }
    for (String line : stack.split("\n")) {
      Matcher m = FRAME.matcher(line);
      if (!m.matches() || frames.size() >= MAX_CLIENT_FRAMES) {
        continue;
      }
      boolean chrome = m.group(2) != null;
      io.sentry.protocol.SentryStackFrame frame = new io.sentry.protocol.SentryStackFrame();
      String function = chrome ? m.group(1) : m.group(5);
      frame.setFunction(function == null || function.isBlank() ? "?" : scrubClientText(function));
      frame.setFilename(scrubClientText(chrome ? m.group(2) : m.group(6)));
      frame.setLineno(Integer.valueOf(chrome ? m.group(3) : m.group(7)));
      frame.setColno(Integer.valueOf(chrome ? m.group(4) : m.group(8)));
      frames.add(frame);
    }
    java.util.Collections.reverse(frames);
    return frames;
  }

  /**
   * Failures that are part of normal operation: a client's mistake or refusal, or a client going
   * away.
   */
  public static boolean expected(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof WithStatus api && api.status() < 500) {
        return true;
      }
      if (t instanceof HttpException http && http.getStatusCode() < 500) {
        return true;
      }
      if (t instanceof HttpClosedException || t instanceof ClosedChannelException) {
        return true;
      }
      if (t instanceof IOException io
          && io.getMessage() != null
          && (io.getMessage().contains("Connection reset by peer")
              || io.getMessage().contains("Broken pipe"))) {
        return true;
      }
      if ("io.vertx.core.VertxException".equals(t.getClass().getName())
          && "Connection was closed".equals(t.getMessage())) {
        return true;
      }
    }
    return false;
  }

  static SentryEvent beforeSend(SentryEvent event, Hint hint) {
    if (event.getThrowable() != null && expected(event.getThrowable())) {
      return null;
    }
    return scrub(event);
  }

  /** What leaves the process: see the class comment. */
  public static SentryEvent scrub(SentryEvent event) {
    event.setRequest(null);
    event.setBreadcrumbs(null);
    event.setExtras(null);
    event.setServerName(null);
    if (event.getUser() != null) {
      User idOnly = new User();
      idOnly.setId(event.getUser().getId());
      event.setUser(idOnly.getId() == null ? null : idOnly);
    }
    if (event.getTags() != null) {
      event.getTags().keySet().removeIf(name -> !TAGS.contains(name));
    }
    Message message = event.getMessage();
    if (message != null) {
      message.setFormatted(redact(message.getFormatted()));
      message.setMessage(redact(message.getMessage()));
      message.setParams(null);
    }
    if (event.getExceptions() != null) {
      for (SentryException exception : event.getExceptions()) {
        exception.setValue(redact(exception.getValue()));
      }
    }
    return event;
  }

  /**
   * {@code text} with secret-, transcript- and code-shaped parts replaced, cut to {@link
   * #MAX_MESSAGE} characters.
   */
  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (Pattern token : TOKENS) {
      out = token.matcher(out).replaceAll(REDACTED);
    }
    out = PAIRS.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + REDACTED));
    return out.length() > MAX_MESSAGE ? out.substring(0, MAX_MESSAGE) + "…" : out;
  }
}
