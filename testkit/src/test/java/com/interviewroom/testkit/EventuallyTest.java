package com.interviewroom.testkit;

import static com.interviewroom.testkit.Eventually.eventually;
import static com.interviewroom.testkit.Eventually.poll;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EventuallyTest {

  @Test
  @DisplayName(
      "eventually returns once the condition holds, and poll returns the value that satisfied it")
  void pollsUntilDone() {
    AtomicInteger reads = new AtomicInteger();
    eventually("the third read", () -> reads.incrementAndGet() >= 3);
    assertThat(reads.get()).isEqualTo(3);
    assertThat(poll("a value over 5", reads::incrementAndGet, n -> n > 5)).isEqualTo(6);
  }
}
