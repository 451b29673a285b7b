package com.interviewroom.edge.payment;

import static com.interviewroom.edge.EdgeServer.await;

import com.interviewroom.edge.EdgeServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The edge server wired to a {@link FakeStripe}, plus the SQL reads the payment tests assert on. */
public final class StripeFixture implements AutoCloseable {
  public final FakeStripe stripe;
  public final EdgeServer server;

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
    env.putAll(Map.of(
        "STRIPE_SECRET_KEY", FakeStripe.SECRET_KEY,
        "STRIPE_WEBHOOK_SECRET", StripeDeliveries.WEBHOOK_SECRET,
        "STRIPE_API_BASE", stripe.apiBase(),
        "STRIPE_PRICE_UNLIMITED", FakeStripe.PRICE_UNLIMITED,
        "PUBLIC_BASE_URL", "https://app.interviewroom.test"));
    return new StripeFixture(stripe, EdgeServer.start(env));
  }

  public Future<HttpResponse<Buffer>> deliverAsync(byte[] body, String signature) {
    var request = server.client.post("/api/payments/webhook").putHeader("Content-Type", "application/json");
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
    return await(server.db.asService(conn -> conn.preparedQuery(sql).execute(Tuple.from(params)).map(rs -> {
      List<Row> rows = new ArrayList<>();
      rs.forEach(rows::add);
      return rows;
    })));
  }

  public int credits(UUID userId) {
    return rows("SELECT credits FROM profiles WHERE user_id = $1", userId).get(0).getInteger("credits");
  }

  /** Exactly what the session-start check reads to let a user start without spending a credit. */
  public boolean startsWithoutCredits(UUID userId) {
    return rows("SELECT EXISTS (SELECT 1 FROM subscriptions WHERE user_id = $1 AND status IN ('active','trialing')) AS ok",
        userId).get(0).getBoolean("ok");
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
