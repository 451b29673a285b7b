package com.interviewroom.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The layering rules ({@link LayeringRules}) hold for every production class of every module. */
class ArchitectureTest {
  private static final LayeringRules RULES = LayeringRules.PRODUCTION;
  private static JavaClasses production;

  @BeforeAll
  static void importProduction() {
    JavaClasses all =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // edge-api's test jar (FakeStripe) is on launcher's test classpath
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("com.interviewroom");
    // testkit is a module, but only tests use it
    production = all.that(not(resideInAPackage("com.interviewroom.testkit..")));
  }

  @Test
  @DisplayName("edge-api never uses realtime or sandbox-runner classes")
  void edgeIsIndependent() {
    check(RULES.edgeIsIndependent());
  }

  @Test
  @DisplayName("realtime never uses edge-api or sandbox-runner classes")
  void realtimeIsIndependent() {
    check(RULES.realtimeIsIndependent());
  }

  @Test
  @DisplayName("schema uses neither Redis nor HTTP")
  void schemaHasNoRedisOrHttp() {
    check(RULES.schemaHasNoRedisOrHttp());
  }

  @Test
  @DisplayName("the session model imports no Vert.x, Netty or HTTP")
  void sessionModelIsPlain() {
    check(RULES.sessionModelIsPlain());
  }

  @Test
  @DisplayName("no two packages depend on each other, directly or around a loop")
  void noPackageCycles() {
    check(RULES.noPackageCycles());
  }

  @Test
  @DisplayName("only repositories and stores run SQL")
  void onlyStoresRunSql() {
    check(RULES.onlyStoresRunSql());
  }

  @Test
  @DisplayName("the launcher starts each server through its entry point")
  void launcherUsesEntryPoints() {
    check(RULES.launcherUsesEntryPoints());
  }

  private static void check(ArchRule rule) {
    rule.check(production);
  }

  /** Each rule, run against classes that break it on purpose ({@code violations}), reports them. */
  @Nested
  class RulesCatchViolations {
    private static final String FIXTURES = "com.interviewroom.architecture.violations";
    private final LayeringRules rules = new LayeringRules(FIXTURES);
    private final JavaClasses fixtures = new ClassFileImporter().importPackages(FIXTURES);

    @Test
    @DisplayName("an edge class using a realtime class is reported")
    void edgeUsingRealtime() {
      assertViolated(rules.edgeIsIndependent(), "EdgeCallsRealtime");
    }

    @Test
    @DisplayName("a realtime class using an edge class is reported")
    void realtimeUsingEdge() {
      assertViolated(rules.realtimeIsIndependent(), "RealtimeCallsEdge");
    }

    @Test
    @DisplayName("a schema class holding a Redis client is reported")
    void schemaUsingRedis() {
      assertViolated(rules.schemaHasNoRedisOrHttp(), "SchemaUsesRedis");
    }

    @Test
    @DisplayName("a session model type holding a JsonObject is reported")
    void sessionModelUsingVertx() {
      assertViolated(rules.sessionModelIsPlain(), "ModelUsesVertx");
    }

    @Test
    @DisplayName("two packages using each other are reported as a cycle")
    void packageCycle() {
      assertViolated(rules.noPackageCycles(), "cycle.a.Left");
    }

    @Test
    @DisplayName("SQL run by routes or plain JDBC is reported, SQL in a repository is not")
    void sqlOutsideRepositories() {
      String report = assertViolated(rules.onlyStoresRunSql(), "ScoreRoutes");
      assertThat(report).contains("JdbcSetup").doesNotContain("ScoreRepository");
    }

    @Test
    @DisplayName("a launcher building a feature's class itself is reported")
    void launcherUsingFeature() {
      assertViolated(rules.launcherUsesEntryPoints(), "LauncherBuildsFeature");
    }

    private String assertViolated(ArchRule rule, String offender) {
      EvaluationResult result = rule.evaluate(fixtures);
      assertThat(result.hasViolation()).as("%s finds a violation", rule.getDescription()).isTrue();
      String report = result.getFailureReport().toString();
      assertThat(report).contains(offender);
      return report;
    }
  }
}
