package com.interviewroom.edge.payment;

import static com.interviewroom.edge.EdgeServer.await;

import com.interviewroom.edge.EdgeServer;
import com.interviewroom.edge.TestUser;
import com.interviewroom.schema.ProblemBank;
import com.interviewroom.schema.ProblemBankSeeder;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The edge server wired to a {@link FakeStripe}, plus the SQL reads the payment tests assert on.
 */
public final class StripeFixture implements AutoCloseable {
  public final FakeStripe stripe;
  public final EdgeServer server;
  private volatile boolean problemsSeeded;

  private StripeFixture(FakeStripe stripe, EdgeServer server) {
    this.stripe = stripe;
    this.server = server;
  }

  public static StripeFixture start() {
    return start(Map.of());
  }

  /** With more environment, e.g. a {@code SANDBOX_URL}. */
  public static StripeFixture start(Map<String, String> extraEnv) {
    FakeStripe stripe = FakeStripe.start();
    Map<String, String> env = new java.util.HashMap<>(extraEnv);
    env.putAll(
        Map.of(
            "STRIPE_SECRET_KEY", FakeStripe.SECRET_KEY,
            "STRIPE_WEBHOOK_SECRET", StripeDeliveries.WEBHOOK_SECRET,
            "STRIPE_API_BASE", stripe.apiBase(),
            "STRIPE_PRICE_UNLIMITED", FakeStripe.PRICE_UNLIMITED,
            "STRIPE_PUBLISHABLE_KEY", FakeStripe.PUBLISHABLE_KEY,
            "PUBLIC_BASE_URL", "https://app.interviewroom.test"));
    return new StripeFixture(stripe, EdgeServer.start(env));
  }

  public Future<HttpResponse<Buffer>> deliverAsync(byte[] body, String signature) {
    var request =
        server.client.post("/api/payments/webhook").putHeader("Content-Type", "application/json");
    if (signature != null) {
      request.putHeader("Stripe-Signature", signature);
    }
    return request.sendBuffer(Buffer.buffer(body));
  }

  public HttpResponse<Buffer> deliver(byte[] body, String signature) {
    return await(deliverAsync(body, signature));
  }

  /** Signed now with the configured secret. */
  public HttpResponse<Buffer> deliver(byte[] body) {
    return deliver(body, StripeDeliveries.signature(body));
  }

  public List<Row> rows(String sql, Object... params) {
    return await(
        server.db.asService(
            conn ->
                conn.preparedQuery(sql)
                    .execute(Tuple.from(params))
                    .map(
                        rs -> {
                          List<Row> rows = new ArrayList<>();
                          rs.forEach(rows::add);
                          return rows;
                        })));
  }

  public int credits(UUID userId) {
    return rows("SELECT credits FROM profiles WHERE user_id = $1", userId)
        .get(0)
        .getInteger("credits");
  }

  /**
   * {@code POST /api/sessions/start} (the real route, problem bank seeded on first use) for the
   * user of {@code session} after their balance was set to 0 through the ledger.
   */
  public HttpResponse<Buffer> startWithNoCredits(JsonObject session) {
    new TestUser(
            server,
            UUID.fromString(session.getJsonObject("user").getString("id")),
            EdgeServer.bearer(session))
        .setCredits(0);
    return startSession(session);
  }

  /**
   * {@code POST /api/sessions/start} as it is, balance untouched (problem bank seeded on first
   * use).
   */
  public HttpResponse<Buffer> startSession(JsonObject session) {
    if (!problemsSeeded) {
      await(ProblemBankSeeder.seed(server.db, ProblemBank.load()));
      problemsSeeded = true;
    }
    TestUser user =
        new TestUser(
            server,
            UUID.fromString(session.getJsonObject("user").getString("id")),
            EdgeServer.bearer(session));
    return user.post(
        "/api/sessions/start",
        new JsonObject().put("problemSlug", "two-sum").put("language", "python"));
  }

  /**
   * True when the subscription lets this user start a session with no credits (201, nothing
   * charged; the session is ended again), false when it does not (402 {@code
   * insufficient_credits}).
   */
  public boolean startsWithoutCredits(JsonObject session) {
    HttpResponse<Buffer> started = startWithNoCredits(session);
    if (started.statusCode() == 402
        && "insufficient_credits".equals(started.bodyAsJsonObject().getString("code"))) {
      return false;
    }
    if (started.statusCode() != 201 || started.bodyAsJsonObject().getBoolean("creditCharged")) {
      throw new AssertionError(
          "unexpected session start: " + started.statusCode() + " " + started.bodyAsString());
    }
    HttpResponse<Buffer> ended =
        await(
            server
                .client
                .post("/api/sessions/" + started.bodyAsJsonObject().getString("sessionId") + "/end")
                .putHeader("Authorization", EdgeServer.bearer(session))
                .send());
    if (ended.statusCode() != 200) {
      throw new AssertionError(
          "ending the session failed: " + ended.statusCode() + " " + ended.bodyAsString());
    }
    return true;
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      stripe.close();
    }
  }
}
