package com.interviewroom.sandbox.harness;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OutputTextTest {
  private static final String HOST_WORK = "/tmp/interviewroom-sandbox-1-1/slots/slot-0";

  @Test
  @DisplayName(
      "the wrapper's message after a kill is removed, even glued to the candidate's last line")
  void unshareMessageRemoved() {
    String killed = "e".repeat(10) + OutputText.UNSHARE_KILLED + "\n";
    assertThat(OutputText.stripHarness(killed, HOST_WORK)).isEqualTo("e".repeat(10));
    assertThat(OutputText.stripHarness("line\n" + OutputText.UNSHARE_KILLED + "\n", HOST_WORK))
        .isEqualTo("line\n");
    assertThat(
            OutputText.stripHarness(
                "the candidate says " + OutputText.UNSHARE_KILLED + " mid-output\n", HOST_WORK))
        .as("only the wrapper's own trailing line is removed")
        .contains("mid-output");
  }

  @Test
  @DisplayName("harness frames and host paths are removed; the candidate's frames stay")
  void harnessFramesRemoved() {
    String trace =
        """
        Traceback (most recent call last):
          File "/harness/harness.py", line 120, in main
          File "%s/solution.py", line 3, in twoSum
        ZeroDivisionError: division by zero
        """
            .formatted(HOST_WORK);
    assertThat(OutputText.stripHarness(trace, HOST_WORK))
        .isEqualTo(
            "Traceback (most recent call last):\n  File \"solution.py\", line 3, in twoSum\nZeroDivisionError: division by zero\n");
    assertThat(
            OutputText.stripHarness(
                "TypeError: x\n    at twoSum (/work/solution.js:2:9)\n    at node:internal/main:1:1\n",
                HOST_WORK))
        .isEqualTo("TypeError: x\n    at twoSum (solution.js:2:9)\n");
  }
}
