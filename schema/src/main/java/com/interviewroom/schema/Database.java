package com.interviewroom.schema;

import com.interviewroom.common.outage.Outages;
import com.interviewroom.common.outage.Unavailable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The connection pool plus the two ways application code touches data:
 *
 * <ul>
 *   <li>{@link #asUser}: user-facing paths; a transaction running as {@code app_user} with {@code
 *       app.user_id} set, so row-level security limits it to that user's rows;
 *   <li>{@link #asService}: workers, webhooks, credit spending, seeding; a transaction running as
 *       {@code app_service}, which RLS lets see every row;
 *   <li>{@link #catalog}: public reads of the problem catalog; a small pool whose connections log
 *       in as {@code app_user} with no user identity, so a read is one round trip instead of four
 *       and RLS still shows only public rows (problems, example test cases; never solutions or user
 *       data).
 * </ul>
 *
 * Both settings are transaction-local ({@code set_config(..., true)}), so they vanish at COMMIT or
 * ROLLBACK and a pooled connection never carries one user's identity into the next borrower.
 * Repositories take a {@link SqlConnection} (or {@code SqlClient}) so a service composes several in
 * one transaction.
 *
 * <p><b>Timeouts.</b> Borrowing a connection waits at most {@link Timeouts#acquireMs()}, and a unit
 * of work ({@link #asUser}, {@link #asService}, {@link #catalog(Function)}) at most {@link
 * Timeouts#queryMs()}; past either, and whenever Postgres refuses or drops the connection, the
 * future fails with {@link Unavailable} (503 at the edge) instead of hanging for as long as a
 * paused server stays paused. A transaction cut off this way is rolled back by the server, or
 * commits if the server later finishes it: the caller saw 503 and retries, never a lost 2xx.
 */
public final class Database {

  private static final String AS_USER =
      "SELECT set_config('role', 'app_user', true), set_config('app.user_id', $1, true)";
  private static final String AS_SERVICE = "SELECT set_config('role', 'app_service', true)";
  private static final String AS_REPORTING = "SELECT set_config('role', 'app_reporting', true)";

  /** Idle connections are closed after this long; Postgres backends cost memory. */
  private static final int IDLE_TIMEOUT_SECONDS = 60;

  /**
   * The role is a startup parameter: a connection that cannot take it fails to open, so none runs
   * as the owner.
   */
  private static final String CATALOG_ROLE_OPTION = "-c role=app_user";

  private static final int CATALOG_POOL_SIZE = 4;

  /**
   * How long borrowing a connection and one unit of work may take. The server takes them from
   * {@code DB_ACQUIRE_TIMEOUT_MS} and {@code DB_QUERY_TIMEOUT_MS} (Config); {@link #LONG} is for
   * start-up work (seeding the problem bank in one transaction), tools and tests.
   */
  public record Timeouts(long acquireMs, long queryMs) {
    public static final Timeouts LONG = new Timeouts(60_000, 300_000);
  }

  private final Pool pool;
  private final Pool catalog;
  private final Timeouts timeouts;

  private Database(Pool pool, Pool catalog, Timeouts timeouts) {
    this.pool = pool;
    this.catalog = catalog;
    this.timeouts = timeouts;
  }

  public static Database connect(Vertx vertx, String databaseUrl, int maxPoolSize) {
    return connect(vertx, databaseUrl, maxPoolSize, Timeouts.LONG);
  }

  public static Database connect(
      Vertx vertx, String databaseUrl, int maxPoolSize, Timeouts timeouts) {
    DatabaseUrl url = DatabaseUrl.parse(databaseUrl);
    // DatabaseUrl sets the pipelining limit: several queries in flight per connection
    Pool pool = pool(vertx, "interviewroom-pg", maxPoolSize, url.connectOptions(), timeouts);
    Pool catalog =
        pool(
            vertx,
            "interviewroom-pg-catalog",
            Math.min(maxPoolSize, CATALOG_POOL_SIZE),
            url.connectOptions().addProperty("options", CATALOG_ROLE_OPTION),
            timeouts);
    return new Database(pool, catalog, timeouts);
  }

  private static Pool pool(
      Vertx vertx, String name, int size, PgConnectOptions options, Timeouts timeouts) {
    return PgBuilder.pool()
        .with(
            new PoolOptions()
                .setMaxSize(size)
                .setIdleTimeout(IDLE_TIMEOUT_SECONDS)
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setConnectionTimeout((int) timeouts.acquireMs())
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
                .setName(name))
        .connectingTo(options)
        .using(vertx)
        .build();
  }

  /**
   * The raw pool, for owner-level work such as health checks. Prefer {@link #asUser}/{@link
   * #asService}.
   */
  public Pool pool() {
    return pool;
  }

  /** One round trip on the raw pool ({@code SELECT 1}), for readiness probes. */
  public Future<Void> ping() {
    return pool.query("SELECT 1").execute().mapEmpty();
  }

  /**
   * Public catalog reads as {@code app_user} without a user: single statements, no transaction
   * needed.
   */
  public SqlClient catalog() {
    return catalog;
  }

  /** As {@link #catalog()}, with the query timeout and outage mapping of {@link #asUser}. */
  public <T> Future<T> catalog(Function<SqlClient, Future<T>> work) {
    return bounded(work.apply(catalog));
  }

  /** Runs {@code work} in one transaction as {@code app_user} seeing only {@code userId}'s rows. */
  public <T> Future<T> asUser(UUID userId, Function<SqlConnection, Future<T>> work) {
    Objects.requireNonNull(userId, "userId");
    return bounded(
        pool.withTransaction(
            conn ->
                conn.preparedQuery(AS_USER)
                    .execute(Tuple.of(userId.toString()))
                    .compose(ignored -> work.apply(conn))));
  }

  /** Runs {@code work} in one transaction as {@code app_service}. */
  public <T> Future<T> asService(Function<SqlConnection, Future<T>> work) {
    return bounded(
        pool.withTransaction(
            conn -> conn.query(AS_SERVICE).execute().compose(ignored -> work.apply(conn))));
  }

  /**
   * Runs {@code work} in one read-only transaction as {@code app_reporting}: operator reads (the
   * admin routes, the budget guard) see only what that role's grants and policies admit (V12).
   */
  public <T> Future<T> asReporting(Function<SqlConnection, Future<T>> work) {
    return bounded(
        pool.withTransaction(
            conn ->
                conn.query("SET TRANSACTION READ ONLY")
                    .execute()
                    .compose(ignored -> conn.query(AS_REPORTING).execute())
                    .compose(ignored -> work.apply(conn))));
  }

  /**
   * Custom plans for every console statement: its filters are optional and very unequal in
   * selectivity (a provider is a quarter of the rows, a low health a few percent), and a generic
   * plan estimated without the values bitmap-scans a month of sessions to sort them (66 ms against
   * 3 ms on 100,000 sessions, docs/benchmarks.md).
   */
  private static final String AS_CONSOLE =
      "SELECT set_config('role', 'app_console', true), set_config('app.user_id', $1, true),"
          + " set_config('plan_cache_mode', 'force_custom_plan', true)";

  /**
   * Runs {@code work} in one read-only transaction as {@code app_console} (V15): the operator
   * console's reads of sessions, transcripts and failures, through that role's column grants and
   * policies; {@code operatorId} (may be null) is {@code app.user_id}, which scopes saved views.
   */
  public <T> Future<T> asConsole(UUID operatorId, Function<SqlConnection, Future<T>> work) {
    return bounded(
        pool.withTransaction(
            conn ->
                conn.query("SET TRANSACTION READ ONLY")
                    .execute()
                    .compose(
                        ignored ->
                            conn.preparedQuery(AS_CONSOLE)
                                .execute(Tuple.of(operatorId == null ? "" : operatorId.toString())))
                    .compose(ignored -> work.apply(conn))));
  }

  /** The query deadline, and connection-level failures turned into {@link Unavailable}. */
  private <T> Future<T> bounded(Future<T> work) {
    return work.timeout(timeouts.queryMs(), TimeUnit.MILLISECONDS)
        .recover(
            failure ->
                Future.failedFuture(
                    !work.isComplete()
                        ? new Unavailable(
                            "postgres", "no answer within " + timeouts.queryMs() + " ms", null)
                        : Outages.isOutage(failure) && !(failure instanceof Unavailable)
                            ? new Unavailable(
                                "postgres", String.valueOf(failure.getMessage()), failure)
                            : failure));
  }

  public Future<Void> close() {
    return Future.join(pool.close(), catalog.close()).mapEmpty();
  }
}
