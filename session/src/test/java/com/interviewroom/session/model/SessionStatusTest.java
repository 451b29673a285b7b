package com.interviewroom.session.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SessionStatusTest {

  @Test
  @DisplayName(
      "only scheduled → active|abandoned|errored and active → completed|abandoned|errored are allowed")
  void transitionTable() {
    Set<String> allowed =
        Set.of(
            "SCHEDULED>ACTIVE",
            "SCHEDULED>ABANDONED",
            "SCHEDULED>ERRORED",
            "ACTIVE>COMPLETED",
            "ACTIVE>ABANDONED",
            "ACTIVE>ERRORED");
    for (SessionStatus from : SessionStatus.values()) {
      for (SessionStatus to : SessionStatus.values()) {
        assertThat(from.canMoveTo(to))
            .as(from + " -> " + to)
            .isEqualTo(allowed.contains(from + ">" + to));
      }
    }
  }

  @Test
  @DisplayName(
      "require refuses an illegal move with an IllegalTransition naming both states (the edge answers 409 illegal_transition)")
  void requireFails() {
    assertThatThrownBy(() -> SessionStatus.COMPLETED.require(SessionStatus.ACTIVE))
        .isInstanceOfSatisfying(
            IllegalTransition.class,
            e -> {
              assertThat(e.from()).isEqualTo(SessionStatus.COMPLETED);
              assertThat(e.to()).isEqualTo(SessionStatus.ACTIVE);
              assertThat(e.getMessage()).isEqualTo("A completed session cannot become active.");
            });
    SessionStatus.SCHEDULED.require(SessionStatus.ACTIVE);
  }

  @Test
  @DisplayName(
      "a user's end completes an active session and abandons one that never began; terminal states are not live")
  void endTargets() {
    assertThat(SessionStatus.ACTIVE.endedByUser()).isEqualTo(SessionStatus.COMPLETED);
    assertThat(SessionStatus.SCHEDULED.endedByUser()).isEqualTo(SessionStatus.ABANDONED);
    assertThat(EnumSet.allOf(SessionStatus.class).stream().filter(SessionStatus::isLive))
        .containsExactlyInAnyOrder(SessionStatus.SCHEDULED, SessionStatus.ACTIVE);
    for (SessionStatus status : SessionStatus.values()) {
      assertThat(SessionStatus.of(status.dbValue())).isEqualTo(status);
    }
  }
}
