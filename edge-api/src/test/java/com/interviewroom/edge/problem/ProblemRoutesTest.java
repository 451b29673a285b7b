package com.interviewroom.edge.problem;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.edge.EdgeServer;
import com.interviewroom.edge.TestUser;
import com.interviewroom.edge.openapi.OpenApiContract;
import com.interviewroom.edge.ratelimit.RateLimiter;
import com.interviewroom.schema.ProblemBank;
import com.interviewroom.schema.ProblemBankSeeder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ProblemRoutesTest {
  private static EdgeServer server;
  private static TestUser user;
  private static long bankSize;

  @BeforeAll
  static void start() {
    server = EdgeServer.start();
    bankSize = await(ProblemBankSeeder.seed(server.db, ProblemBank.load()));
    user = TestUser.signup(server);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static List<String> slugs(JsonObject page) {
    List<String> out = new ArrayList<>();
    page.getJsonArray("items").forEach(item -> out.add(((JsonObject) item).getString("slug")));
    return out;
  }

  @Test
  @DisplayName(
      "the catalog is public: list, detail and random answer without a token, and a bad token is still a 401")
  void publicWithoutToken() {
    HttpResponse<Buffer> list = await(server.client.get("/api/problems?pageSize=5").send());
    assertThat(list.statusCode()).as(list.bodyAsString()).isEqualTo(200);
    assertThat(list.bodyAsJsonObject().getJsonArray("items")).isNotEmpty();
    assertThat(list.getHeader("X-RateLimit-Limit"))
        .as("anonymous callers are limited per IP")
        .isEqualTo(String.valueOf(RateLimiter.PUBLIC_PER_IP.requests()));
    assertThat(await(server.client.get("/api/problems/two-sum").send()).statusCode())
        .isEqualTo(200);
    assertThat(await(server.client.get("/api/problems/random?difficulty=easy").send()).statusCode())
        .isEqualTo(200);
    HttpResponse<Buffer> forged =
        await(server.client.get("/api/problems").putHeader("Authorization", "Bearer a.b.c").send());
    assertThat(forged.statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName(
      "an anonymous caller never sees hidden tests, expected outputs of hidden tests or solutions")
  void anonymousSeesNoHiddenTestsOrSolutions() {
    for (String slug :
        slugs(await(server.client.get("/api/problems?pageSize=100").send()).bodyAsJsonObject())) {
      HttpResponse<Buffer> detail = await(server.client.get("/api/problems/" + slug).send());
      assertThat(detail.statusCode()).isEqualTo(200);
      JsonObject problem = detail.bodyAsJsonObject();
      List<Row> hidden =
          await(
              server.db.asService(
                  sql ->
                      sql.preparedQuery(
                              """
              SELECT t.input::text AS input, t.expected::text AS expected FROM test_cases t JOIN problems p ON p.id = t.problem_id
               WHERE p.slug = $1 AND (t.is_hidden OR NOT t.is_example)""")
                          .execute(Tuple.of(slug))
                          .map(
                              rows -> {
                                List<Row> out = new ArrayList<>();
                                rows.forEach(out::add);
                                return out;
                              })));
      List<Row> solutions =
          await(
              server.db.asService(
                  sql ->
                      sql.preparedQuery(
                              """
              SELECT s.code FROM problem_solutions s JOIN problems p ON p.id = s.problem_id WHERE p.slug = $1""")
                          .execute(Tuple.of(slug))
                          .map(
                              rows -> {
                                List<Row> out = new ArrayList<>();
                                rows.forEach(out::add);
                                return out;
                              })));
      String body = detail.bodyAsString();
      assertThat(problem.fieldNames())
          .doesNotContain("solution", "solutions", "hiddenTests", "tests", "testCases");
      for (Row solution : solutions) {
        String encoded =
            new JsonArray()
                .add(solution.getString("code"))
                .encode(); // ["..."]: the code as JSON text
        assertThat(body)
            .as(slug + " leaks a solution")
            .doesNotContain(encoded.substring(2, encoded.length() - 2));
      }
      long examples = problem.getJsonArray("examples").size();
      long publicExamples =
          await(
              server.db.asService(
                  sql ->
                      sql.preparedQuery(
                              """
              SELECT count(*) AS n FROM test_cases t JOIN problems p ON p.id = t.problem_id
               WHERE p.slug = $1 AND t.is_example AND NOT t.is_hidden""")
                          .execute(Tuple.of(slug))
                          .map(rows -> rows.iterator().next().getLong("n"))));
      assertThat(examples).as(slug + ": only the example cases").isEqualTo(publicExamples);
      assertThat(hidden).as(slug + " has hidden tests to leak").isNotEmpty();
    }
  }

  @Test
  @DisplayName("pages of one walk the whole bank in a stable slug order, each reporting the total")
  void paginates() {
    List<String> walked = new ArrayList<>();
    int pageSize = 20;
    for (int page = 1; page <= bankSize / pageSize + 2; page++) {
      HttpResponse<Buffer> response =
          user.get("/api/problems?pageSize=" + pageSize + "&page=" + page);
      assertThat(response.statusCode()).isEqualTo(200);
      JsonObject body = response.bodyAsJsonObject();
      assertThat(body.getLong("total")).isEqualTo(bankSize);
      assertThat(body.getInteger("page")).isEqualTo(page);
      walked.addAll(slugs(body));
    }
    assertThat(walked).hasSize((int) bankSize).isSorted().doesNotHaveDuplicates();
    assertThat(slugs(user.get("/api/problems?pageSize=100").bodyAsJsonObject())).isEqualTo(walked);
  }

  @Test
  @DisplayName("difficulty and category filter the list and its total")
  void filters() {
    JsonObject stacks =
        user.get("/api/problems?category=stacks&difficulty=easy").bodyAsJsonObject();
    assertThat(slugs(stacks)).containsExactly("valid-parentheses");
    assertThat(stacks.getLong("total")).isEqualTo(1);
    JsonObject allStacks = user.get("/api/problems?category=stacks").bodyAsJsonObject();
    assertThat(allStacks.getLong("total"))
        .isEqualTo(
            ProblemBank.load().problems().stream()
                .filter(p -> p.category().equals("stacks"))
                .count());
    JsonObject hard = user.get("/api/problems?difficulty=hard&category=stacks").bodyAsJsonObject();
    assertThat(hard.getJsonArray("items")).isEmpty();
    assertThat(hard.getLong("total")).isZero();
    JsonObject item =
        user.get("/api/problems?difficulty=easy")
            .bodyAsJsonObject()
            .getJsonArray("items")
            .getJsonObject(0);
    assertThat(item.fieldNames())
        .containsExactlyInAnyOrder("slug", "title", "difficulty", "category", "durationMinutes");
  }

  @Test
  @DisplayName("bad query parameters get one 400 listing each of them, unknown ones included")
  void validatesQuery() {
    HttpResponse<Buffer> response =
        user.get(
            "/api/problems?difficulty=impossible&page=0&pageSize=1000&category=Bad%20Cat&sort=x");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
    Set<String> fields = new HashSet<>();
    response
        .bodyAsJsonObject()
        .getJsonArray("errors")
        .forEach(e -> fields.add(((JsonObject) e).getString("field")));
    assertThat(fields)
        .containsExactlyInAnyOrder("difficulty", "page", "pageSize", "category", "sort");
    assertThat(user.get("/api/problems/random?difficulty=impossible").statusCode()).isEqualTo(400);
    assertThat(user.get("/api/problems?page=abc").statusCode()).isEqualTo(400);
  }

  @Test
  @DisplayName(
      "a problem's page has its statement, signature, starter code and examples, never hidden tests or solutions")
  void detailHidesSecrets() {
    HttpResponse<Buffer> response = user.get("/api/problems/two-sum");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.getString("title")).isEqualTo("Two Sum");
    assertThat(problem.getString("description")).isNotBlank();
    assertThat(problem.getJsonArray("constraints")).isNotEmpty();
    assertThat(problem.getInteger("durationMinutes")).isPositive();
    assertThat(problem.getJsonObject("functionSignature").getString("name")).isEqualTo("twoSum");
    assertThat(problem.getJsonObject("starterCode").fieldNames())
        .contains("python", "javascript", "java");
    long examples =
        ProblemBank.load().problems().stream()
            .filter(p -> p.slug().equals("two-sum"))
            .findFirst()
            .orElseThrow()
            .exampleTests()
            .size();
    JsonArray shown = problem.getJsonArray("examples");
    assertThat(shown).hasSize((int) examples);
    assertThat(problem.containsKey("solutions")).isFalse();
    String raw = response.bodyAsString();
    String solution =
        ProblemBank.load().problems().stream()
            .filter(p -> p.slug().equals("two-sum"))
            .findFirst()
            .orElseThrow()
            .solutions()
            .get("python");
    assertThat(raw).doesNotContain("seen[n] = i").doesNotContain(solution.substring(0, 60));
    int total =
        user.serviceQuery(
            "SELECT count(*) AS n FROM test_cases t JOIN problems p ON p.id = t.problem_id WHERE p.slug = 'two-sum'",
            Tuple.tuple(),
            rows -> rows.iterator().next().getInteger("n"));
    assertThat(total).isGreaterThan(shown.size());
  }

  private static void insertProblem(String slug, String title) {
    await(
        server
            .db
            .pool()
            .preparedQuery(
                """
            INSERT INTO problems (slug, title, difficulty, category, description, function_signature, duration_minutes)
            VALUES ($1, $2, 'easy', 'arrays', 'd', '{"name":"f","params":[],"returns":"int"}', 30)""")
            .execute(Tuple.of(slug, title)));
  }

  @Test
  @DisplayName(
      "a found problem's document is served from memory for a while (problems change only with a deploy); a miss is not remembered")
  void documentCache() {
    TestUser reader = TestUser.signup(server);
    String slug = "cached-" + UUID.randomUUID();
    String later = "later-" + UUID.randomUUID();
    try {
      insertProblem(slug, "Before");
      HttpResponse<Buffer> first = reader.get("/api/problems/" + slug);
      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(first.getHeader("Content-Type")).isEqualTo("application/json");
      OpenApiContract.assertResponseMatches("GET", "/api/problems/{slug}", first);
      assertThat(first.bodyAsJsonObject().getString("title")).isEqualTo("Before");
      await(
          server
              .db
              .pool()
              .preparedQuery("UPDATE problems SET title = 'After' WHERE slug = $1")
              .execute(Tuple.of(slug)));
      assertThat(reader.get("/api/problems/" + slug).bodyAsString())
          .isEqualTo(first.bodyAsString());

      assertThat(reader.get("/api/problems/" + later).statusCode()).isEqualTo(404);
      insertProblem(later, "Added");
      HttpResponse<Buffer> added = reader.get("/api/problems/" + later);
      assertThat(added.statusCode()).isEqualTo(200);
      assertThat(added.bodyAsJsonObject().getString("title")).isEqualTo("Added");
    } finally {
      // the other tests count the bank
      await(
          server
              .db
              .pool()
              .preparedQuery("DELETE FROM problems WHERE slug = ANY($1)")
              .execute(Tuple.of(new String[] {slug, later})));
    }
  }

  @Test
  @DisplayName("an unknown or malformed slug is 404 problem+json")
  void unknownSlug() {
    HttpResponse<Buffer> response = user.get("/api/problems/no-such-problem");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo("problem_not_found");
    assertThat(user.get("/api/problems/NOT_A_SLUG").statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("random honours its filters and 404s when nothing matches")
  void randomFilters() {
    for (int i = 0; i < 5; i++) {
      JsonObject picked =
          user.get("/api/problems/random?category=stacks&difficulty=easy").bodyAsJsonObject();
      assertThat(picked.getString("slug")).isEqualTo("valid-parentheses");
      assertThat(picked.containsKey("examples")).isTrue();
    }
    assertThat(user.get("/api/problems/random?difficulty=hard&category=stacks").statusCode())
        .isEqualTo(404);
  }

  @Test
  @DisplayName(
      "random avoids problems the user just completed while others remain, and falls back when none do")
  void randomExcludesCompleted() {
    TestUser fresh = TestUser.signup(server);
    Set<String> all =
        new HashSet<>(
            slugs(fresh.get("/api/problems?category=stacks&pageSize=100").bodyAsJsonObject()));
    assertThat(all).contains("valid-parentheses").hasSizeBetween(2, 3);
    List<String> done = new ArrayList<>(all);
    done.remove("valid-parentheses");
    for (String slug : done) {
      UUID session = fresh.start(slug);
      fresh.serviceQuery(
          "UPDATE sessions SET status = 'completed', ended_at = now() WHERE id = $1",
          Tuple.of(session),
          rows -> null);
    }
    for (int i = 0; i < 10; i++) {
      assertThat(
              fresh
                  .get("/api/problems/random?category=stacks")
                  .bodyAsJsonObject()
                  .getString("slug"))
          .isEqualTo("valid-parentheses");
    }
    UUID last = fresh.start("valid-parentheses");
    fresh.serviceQuery(
        "UPDATE sessions SET status = 'completed', ended_at = now() WHERE id = $1",
        Tuple.of(last),
        rows -> null);
    HttpResponse<Buffer> fallback = fresh.get("/api/problems/random?category=stacks");
    assertThat(fallback.statusCode()).isEqualTo(200);
    assertThat(all).contains(fallback.bodyAsJsonObject().getString("slug"));
  }
}
