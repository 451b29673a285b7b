package com.interviewroom.sandbox.compare;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class JsonComparatorTest {
  private static boolean matches(String expected, String actual, CompareMode mode) {
    return JsonComparator.matches(decode(expected), decode(actual), mode);
  }

  private static Object decode(String json) {
    return json.startsWith("[")
        ? new JsonArray(json)
        : json.startsWith("{") ? new JsonObject(json) : io.vertx.core.json.Json.decodeValue(json);
  }

  @Test
  @DisplayName("exact ignores object key order but not array order")
  void exact() {
    assertThat(matches("{\"a\":1,\"b\":[1,2]}", "{\"b\":[1,2],\"a\":1}", CompareMode.EXACT))
        .isTrue();
    assertThat(matches("[1,2]", "[2,1]", CompareMode.EXACT)).isFalse();
    assertThat(matches("[1,2]", "[1,2,3]", CompareMode.EXACT)).isFalse();
    assertThat(matches("\"abc\"", "\"abc\"", CompareMode.EXACT)).isTrue();
    assertThat(matches("true", "1", CompareMode.EXACT)).isFalse();
    assertThat(matches("null", "[]", CompareMode.EXACT)).isFalse();
  }

  @Test
  @DisplayName("integers compare exactly, floats within 1e-6 relative or absolute")
  void numbers() {
    assertThat(matches("3", "3.0", CompareMode.EXACT)).isTrue();
    assertThat(matches("9007199254740993", "9007199254740992", CompareMode.EXACT)).isFalse();
    assertThat(matches("0.1", "0.1000000001", CompareMode.FLOAT)).isTrue();
    assertThat(matches("0.1", "0.1001", CompareMode.FLOAT)).isFalse();
    assertThat(matches("1e12", "1000000000100.0", CompareMode.FLOAT)).isTrue();
    assertThat(matches("[2.5,3.0]", "[2.5000000001,3]", CompareMode.EXACT)).isTrue();
  }

  @Test
  @DisplayName(
      "an integer answer is exact: 1000001.0 is not 1000000 (issue 22 G), 1000000.0 is; float mode keeps the tolerance")
  void integersAreExact() {
    assertThat(matches("1000000", "1000001.0", CompareMode.EXACT)).isFalse();
    assertThat(matches("[1000000,2]", "[2,1000001.0]", CompareMode.UNORDERED)).isFalse();
    assertThat(matches("{\"n\":1000000}", "{\"n\":1000000.5}", CompareMode.EXACT)).isFalse();
    assertThat(matches("1000000", "1000000.0", CompareMode.EXACT)).isTrue();
    assertThat(matches("1000000", "1000000.5", CompareMode.FLOAT)).isTrue();
    assertThat(matches("7", "7.000001", CompareMode.EXACT)).isFalse();
  }

  @Test
  @DisplayName("unordered frees the top-level order only")
  void unordered() {
    assertThat(matches("[[1,2],[3]]", "[[3],[1,2]]", CompareMode.UNORDERED)).isTrue();
    assertThat(matches("[[1,2],[3]]", "[[3],[2,1]]", CompareMode.UNORDERED)).isFalse();
    assertThat(matches("[1,1,2]", "[1,2,2]", CompareMode.UNORDERED)).isFalse();
  }

  @Test
  @DisplayName("unordered-nested frees outer and inner order (group anagrams)")
  void unorderedNested() {
    assertThat(
            matches(
                "[[\"eat\",\"tea\"],[\"bat\"]]",
                "[[\"bat\"],[\"tea\",\"eat\"]]",
                CompareMode.UNORDERED_NESTED))
        .isTrue();
    assertThat(matches("[[1,2],[3]]", "[[1],[2,3]]", CompareMode.UNORDERED_NESTED)).isFalse();
  }

  @Test
  @DisplayName("text compares whitespace-normalised output")
  void text() {
    assertThat(TextComparator.matches("1 2\n3\n", "1 2  \r\n3\n\n")).isTrue();
    assertThat(TextComparator.matches("1 2", "1  2")).isFalse();
    assertThat(matches("\"a\\nb\"", "\"a \\nb\\n\"", CompareMode.TEXT)).isTrue();
  }
}
