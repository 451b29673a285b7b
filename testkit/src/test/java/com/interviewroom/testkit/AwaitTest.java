package com.interviewroom.testkit;

import static com.interviewroom.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AwaitTest {

  @Test
  @DisplayName(
      "await gives a future's result, and its failure as the root cause of an unchecked exception")
  void resultOrRootCause() {
    assertThat(await(Future.succeededFuture("done"))).isEqualTo("done");
    assertThatThrownBy(() -> await(Future.failedFuture(new ArithmeticException("refused"))))
        .isInstanceOf(IllegalStateException.class)
        .rootCause()
        .isInstanceOf(ArithmeticException.class)
        .hasMessage("refused");
  }
}
