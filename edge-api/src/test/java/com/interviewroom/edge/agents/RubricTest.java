package com.interviewroom.edge.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The documented recommendation rule (docs/evaluation.md) at its boundaries. */
class RubricTest {

  private static Map<String, Integer> scores(
      int solving, int quality, int communication, int efficiency, int testing) {
    Map<String, Integer> scores = new LinkedHashMap<>();
    scores.put("problem_solving", solving);
    scores.put("code_quality", quality);
    scores.put("communication", communication);
    scores.put("efficiency", efficiency);
    scores.put("testing", testing);
    return scores;
  }

  @ParameterizedTest(name = "{0},{1},{2},{3},{4} -> overall {5}, {6}")
  @CsvSource({
    "8, 8, 8, 8, 8, 8.0, strong_yes", // overall exactly 8.0, every dimension >= 6
    "8, 8, 8, 6, 10, 8.0, strong_yes", // the floor of 6 is inclusive
    "8, 8, 8, 8, 7, 7.9, yes", // just under 8.0
    "9, 9, 8, 5, 9, 8.2, yes", // a 5 keeps an 8.2 from strong_yes
    "7, 7, 6, 6, 6, 6.5, yes", // overall exactly 6.5
    "9, 9, 9, 9, 3, 8.1, maybe", // a 3 keeps even an 8.1 from yes
    "8, 7, 7, 3, 6, 6.6, maybe",
    "6, 7, 7, 6, 6, 6.4, maybe", // just under 6.5
    "5, 5, 5, 5, 5, 5.0, maybe", // overall exactly 5.0
    "5, 5, 5, 5, 4, 4.9, no", // just under 5.0
    "1, 1, 1, 1, 1, 1.0, no"
  })
  void recommendationRule(
      int solving,
      int quality,
      int communication,
      int efficiency,
      int testing,
      double overall,
      String expected) {
    Map<String, Integer> s = scores(solving, quality, communication, efficiency, testing);
    assertThat(Rubric.overall(s)).isEqualTo(overall);
    assertThat(Rubric.recommendation(s)).isEqualTo(expected);
  }
}
