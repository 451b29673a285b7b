package com.interviewroom.edge;

import static com.interviewroom.testkit.Await.await;

import com.interviewroom.schema.ProblemBank;
import com.interviewroom.schema.ProblemBankSeeder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The setup the edge tests share: one {@link EdgeServer} (default settings) per test class, started
 * before its first test and closed after its last; {@link WithProblemBank} also seeds the problem
 * bank, for tests that start sessions. Test classes run one at a time in a fork, so the one static
 * {@link #server} is the running class's.
 */
public abstract class EdgeTest {
  protected static EdgeServer server;

  @BeforeAll
  static void startEdgeServer() {
    server = EdgeServer.start();
  }

  @AfterAll
  static void closeEdgeServer() {
    server.close();
  }

  /** An {@link EdgeTest} whose database holds the problem bank. */
  public abstract static class WithProblemBank extends EdgeTest {
    @BeforeAll
    static void seedProblemBank() {
      await(ProblemBankSeeder.seed(server.db, ProblemBank.load()));
    }
  }
}
