package com.interviewroom.realtime.voice.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.realtime.voice.ContextNote;
import com.interviewroom.realtime.voice.InterviewContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class InterviewScriptTest {
  private final AtomicLong now = new AtomicLong(1_000_000);

  private InterviewScript script(long remainingMs, List<InterviewContext.TranscriptLine> history) {
    return new InterviewScript(
        new InterviewContext(
            UUID.randomUUID(),
            UUID.randomUUID(),
            "Two Sum",
            "Find two numbers.",
            "easy",
            "python",
            "mid",
            remainingMs,
            history),
        now::get);
  }

  @DisplayName(
      "an interview's arc: problem introduced, approach asked, complexity, to the editor; never the same line twice in a row, none said more than twice in 20 turns")
  @Test
  void arcWithoutRepeats() {
    InterviewScript s = script(30 * 60_000, List.of());
    List<String> said = new ArrayList<>();
    said.add(s.opening());
    assertThat(said.get(0)).contains("simulated interviewer", "Two Sum", "approach");
    said.add(s.afterCandidateTurn(5_000));
    assertThat(said.get(1)).contains("complexity");
    said.add(s.afterCandidateTurn(5_000));
    assertThat(said.get(2)).containsIgnoringCase("editor");
    s.react(
        new ContextNote(
            ContextNote.Kind.CODE_SNAPSHOT,
            "The candidate's current code (python, 3 lines), for reference only: do not read it aloud.\n"
                + "```python\ndef two_sum(nums, target):\n    seen = {}\n    return []\n```"));
    for (int i = 0; i < 17; i++) {
      now.addAndGet(30_000);
      said.add(s.afterCandidateTurn(3_000));
    }
    for (int i = 1; i < said.size(); i++) {
      assertThat(said.get(i)).as("line %d", i).isNotEqualTo(said.get(i - 1));
    }
    Map<String, Integer> counts = new HashMap<>();
    said.forEach(l -> counts.merge(l, 1, Integer::sum));
    assertThat(counts.values()).allMatch(c -> c <= 3);
    assertThat(said).anyMatch(l -> l.contains("about 3 lines"));
  }

  @DisplayName("near the end it asks for the complexity, then the edge cases, then closes")
  @Test
  void wrapUp() {
    InterviewScript s = script(10 * 60_000, List.of());
    s.opening();
    s.afterCandidateTurn(4_000);
    now.addAndGet(3 * 60_000);
    assertThat(s.afterCandidateTurn(4_000)).contains("complexity");
    assertThat(s.afterCandidateTurn(4_000))
        .containsIgnoringCase("edge cases")
        .doesNotContain("complexity");
    String closing = s.afterCandidateTurn(4_000);
    assertThat(InterviewScript.CLOSING).contains(closing);
  }

  @DisplayName(
      "reactions are its own words: a failing test by number, a syntax error by line, the minutes left; never a note's text")
  @Test
  void reactionsInItsOwnWords() {
    InterviewScript s = script(30 * 60_000, List.of());
    s.opening();
    String run =
        "The candidate ran their code (verdict: wrong answer). 2 of 3 example tests passed. "
            + "Failing: example test 3 with input [3,3] returned [1,0] instead of [0,1].";
    String failing = s.react(new ContextNote(ContextNote.Kind.EXECUTION_RESULT, run));
    assertThat(failing).contains("est 3").doesNotContain("[1,0]", "verdict", "The candidate");
    String passing =
        s.react(
            new ContextNote(
                ContextNote.Kind.EXECUTION_RESULT,
                "The candidate submitted their code (verdict: accepted). 3 of 3 example tests passed; 5 of 5 hidden tests passed (their inputs are not shown to anyone)."));
    assertThat(InterviewScript.ALL_PASS).contains(passing);
    String hidden =
        s.react(
            new ContextNote(
                ContextNote.Kind.EXECUTION_RESULT,
                "The candidate submitted their code (verdict: wrong answer). 3 of 3 example tests passed; 4 of 5 hidden tests passed (their inputs are not shown to anyone)."));
    assertThat(InterviewScript.HIDDEN_FAIL).contains(hidden);
    String syntax =
        s.react(
            new ContextNote(
                ContextNote.Kind.CODE_OBSERVATION,
                "I notice a syntax problem on line 7: invalid syntax."));
    assertThat(syntax).contains("line 7").doesNotContain("I notice", "invalid syntax");
    String time =
        s.react(
            new ContextNote(
                ContextNote.Kind.TIME_WARNING,
                "About 2 minutes remain in the interview. Let the candidate know briefly and naturally, and help them prioritise finishing."));
    assertThat(time).contains("2 minutes").doesNotContain("Let the candidate know");
    assertThat(s.react(new ContextNote(ContextNote.Kind.CODE_SNAPSHOT, "```python\nx = 1\n```")))
        .isNull();
  }

  @DisplayName(
      "after a reconnect it welcomes the candidate back with a line other than the one it said last")
  @Test
  void reconnect() {
    String last = InterviewScript.WELCOME_BACK.get(0);
    InterviewScript s =
        script(
            20 * 60_000,
            List.of(new InterviewContext.TranscriptLine("assistant", "local-asst-1", last)));
    assertThat(s.opening()).isIn(InterviewScript.WELCOME_BACK).isNotEqualTo(last);
  }
}
