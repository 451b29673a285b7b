package com.interviewroom.edge.session;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.http.Problems;
import com.interviewroom.edge.sandbox.SandboxClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session start asks this first: with a sandbox runner configured ({@code SANDBOX_URL}) that does
 * cannot run code, an interview could not run any, so the start is refused with 503 {@code
 * sandbox_unavailable} before any credit is spent. "Can run" means a 200 from the runner's {@code
 * GET /health}, which it gives only while a trivial run per language succeeds there (503 naming
 * what is missing otherwise); a verdict is reused for a few seconds so starts do not each pay a
 * round trip. Without a configured runner the gate is open (execution is off).
 */
final class SandboxGate {
  private static final Logger log = LoggerFactory.getLogger(SandboxGate.class);
  static final long UP_FOR_MS = 5_000;
  static final long DOWN_FOR_MS = 1_000;

  private record Verdict(boolean up, long atMs) {}

  private final SandboxClient client;
  private final AtomicReference<Verdict> last = new AtomicReference<>();

  private SandboxGate(SandboxClient client) {
    this.client = client;
  }

  static SandboxGate of(Vertx vertx, Config.Sandbox sandbox) {
    return sandbox.url() == null ? open() : new SandboxGate(SandboxClient.of(vertx, sandbox));
  }

  static SandboxGate open() {
    return new SandboxGate(null);
  }

  /** Succeeds when a session may start; fails with 503 {@code sandbox_unavailable} otherwise. */
  Future<Void> admit() {
    if (client == null) {
      return Future.succeededFuture();
    }
    long now = System.currentTimeMillis();
    Verdict known = last.get();
    Future<Boolean> up =
        known != null && now - known.atMs() < (known.up() ? UP_FOR_MS : DOWN_FOR_MS)
            ? Future.succeededFuture(known.up())
            : probe(now);
    return up.compose(
        ok ->
            ok
                ? Future.<Void>succeededFuture()
                : Future.failedFuture(
                    Problems.unavailable(
                        "sandbox_unavailable",
                        "Code execution is unavailable right now, so no interview can start. You were not charged; try again shortly.",
                        5)));
  }

  private Future<Boolean> probe(long now) {
    return client
        .health()
        .map(true)
        .recover(failure -> Future.succeededFuture(false))
        .onSuccess(
            ok -> {
              Verdict before = last.getAndSet(new Verdict(ok, now));
              if (!ok && (before == null || before.up())) {
                log.warn(
                    "sandbox runner unreachable; session starts refused {}",
                    kv("check", "GET /health"));
              }
            });
  }
}
