package com.interviewroom.edge.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.http.ProblemHandler;
import com.interviewroom.session.model.ConcurrentChange;
import com.interviewroom.session.model.IllegalTransition;
import com.interviewroom.session.model.NoSuchSession;
import com.interviewroom.session.model.SessionStatus;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SessionProblemsTest {

  @Test
  @DisplayName(
      "an illegal transition is the 409 illegal_transition problem the status machine used to throw itself")
  void illegalTransition() {
    JsonObject body =
        ProblemHandler.body(
            SessionProblems.of(
                new IllegalTransition(SessionStatus.COMPLETED, SessionStatus.ACTIVE)),
            "r1");
    assertThat(body)
        .isEqualTo(
            new JsonObject()
                .put("type", "https://interviewroom.dev/problems/illegal-transition")
                .put("title", "Conflict")
                .put("status", 409)
                .put("detail", "A completed session cannot become active.")
                .put("code", "illegal_transition")
                .put("requestId", "r1"));
  }

  @Test
  @DisplayName(
      "no such session is 404 not_found, a status that kept changing 409 concurrent_change, anything else is not ours")
  void otherRefusals() {
    assertThat(SessionProblems.of(new NoSuchSession()))
        .satisfies(
            p -> {
              assertThat(p.status()).isEqualTo(404);
              assertThat(p.code()).isEqualTo("not_found");
              assertThat(p.detail()).isEqualTo("No such session.");
            });
    assertThat(SessionProblems.of(new ConcurrentChange()))
        .satisfies(
            p -> {
              assertThat(p.status()).isEqualTo(409);
              assertThat(p.code()).isEqualTo("concurrent_change");
              assertThat(p.detail()).isEqualTo("The session changed; try again.");
            });
    assertThat(SessionProblems.of(new IllegalStateException("a bug"))).isNull();
    assertThat(SessionProblems.of(null)).isNull();
  }
}
