package com.interviewroom.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The layering rules of docs/architecture.md ("Layering rules"), as ArchUnit rules over the
 * packages under {@code root}: {@code com.interviewroom} for the production classes ({@link
 * ArchitectureTest}), {@code com.interviewroom.architecture.violations} for the fixtures that prove
 * each rule catches a deliberate violation ({@link RulesCatchViolationsTest}).
 */
final class LayeringRules {
  static final LayeringRules PRODUCTION = new LayeringRules("com.interviewroom");

  private final String root;

  LayeringRules(String root) {
    this.root = root;
  }

  private String in(String relative) {
    return root + "." + relative;
  }

  /** The two servers share the database and Redis, never code: each deploys without the other. */
  ArchRule edgeIsIndependent() {
    return noClasses()
        .that()
        .resideInAPackage(in("edge.."))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(in("realtime.."), in("sandbox.."))
        .because(
            "edge-api reaches realtime through Redis and Postgres, and the sandbox runner over its HTTP API");
  }

  ArchRule realtimeIsIndependent() {
    return noClasses()
        .that()
        .resideInAPackage(in("realtime.."))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(in("edge.."), in("sandbox.."))
        .because("realtime reaches the edge through Redis, Postgres and the internal API");
  }

  /** Migrations, the database handle and the problem bank: no Redis, no HTTP. */
  ArchRule schemaHasNoRedisOrHttp() {
    return noClasses()
        .that()
        .resideInAPackage(in("schema.."))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.vertx.redis..", "io.vertx.core.http..", "io.vertx.ext.web..", in("common.http.."))
        .because("schema is migrations, the database handle and the problem bank");
  }

  /**
   * The session lifecycle as a domain type: statuses and transitions know nothing of Vert.x or
   * HTTP.
   */
  ArchRule sessionModelIsPlain() {
    return noClasses()
        .that()
        .resideInAPackage(in("session.model.."))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.vertx..", "io.netty..", in("common.http.."))
        .because("the session model is plain Java; the store and the signals do the I/O")
        .allowEmptyShould(true);
  }

  /** Every package of ours with every other, both ways, directly or around a loop. */
  ArchRule noPackageCycles() {
    return slices().matching(root + ".(**)").should().beFreeOfCycles();
  }

  /**
   * A call that runs SQL: Vert.x's {@code query}/{@code preparedQuery}, or JDBC's {@code execute*}.
   */
  static final DescribedPredicate<JavaMethodCall> RUNS_SQL =
      new DescribedPredicate<>("run SQL") {
        @Override
        public boolean test(JavaMethodCall call) {
          JavaClass owner = call.getTargetOwner();
          String name = call.getName();
          if (owner.isAssignableTo("io.vertx.sqlclient.SqlClient")) {
            return name.equals("query") || name.equals("preparedQuery");
          }
          return owner.isAssignableTo("java.sql.Statement") && name.startsWith("execute");
        }
      };

  /** Classes that may run SQL besides repositories and stores (relative to the root). */
  private static final Set<String> SQL_MACHINERY =
      Set.of(
          // database machinery, not data access: each transaction's role switch (SET role,
          // app.user_id)
          "schema.Database",
          // Flyway's runner
          "schema.Migrations",
          // the embedded server's first start: the superuser's password, before any pool exists
          "launcher.embedded.EmbeddedDatabase",
          // the problem bank's loader, run once at start-up in one transaction like a migration
          "schema.ProblemBankSeeder");

  /**
   * SQL lives in one place per feature: its repository (or store), which the service composes in a
   * transaction.
   */
  ArchRule onlyStoresRunSql() {
    Set<String> machinery = SQL_MACHINERY.stream().map(this::in).collect(Collectors.toSet());
    DescribedPredicate<JavaClass> mayRunSql =
        new DescribedPredicate<>("are repositories, stores or database machinery") {
          @Override
          public boolean test(JavaClass c) {
            JavaClass top = topLevel(c);
            String name = top.getSimpleName();
            return name.endsWith("Repository")
                || name.endsWith("Store")
                || machinery.contains(top.getName());
          }
        };
    return noClasses()
        .that()
        .resideInAPackage(root + "..")
        .and(not(mayRunSql))
        .should()
        .callMethodWhere(RUNS_SQL)
        .as("only classes named *Repository or *Store run SQL");
  }

  /**
   * The launcher starts each server through its entry point, a class in the module's root package
   * ({@code EdgeApp}, {@code RealtimeApp}), or the sandbox runner's verticle, which lives with the
   * routes it serves ({@code sandbox.http.SandboxVerticle}), never through a feature's class.
   * {@code VoiceSessionFactory} is the seam through which tests replace the voice providers.
   */
  ArchRule launcherUsesEntryPoints() {
    return noClasses()
        .that()
        .resideInAPackage(in("launcher.."))
        .should()
        .dependOnClassesThat(
            resideInAnyPackage(in("edge.."), in("realtime.."), in("sandbox.."))
                .and(not(resideInAnyPackage(in("edge"), in("realtime"), in("sandbox"))))
                .and(not(HasName.Predicates.name(in("realtime.voice.VoiceSessionFactory"))))
                .and(not(HasName.Predicates.name(in("sandbox.http.SandboxVerticle")))))
        .as(
            "the launcher depends on edge-api, realtime and sandbox-runner only through their entry points");
  }

  private static JavaClass topLevel(JavaClass c) {
    JavaClass top = c;
    while (top.getEnclosingClass().isPresent()) {
      top = top.getEnclosingClass().get();
    }
    return top;
  }
}
