package com.interviewroom.sandbox;

import static com.interviewroom.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.interviewroom.sandbox.isolation.Slot;
import com.interviewroom.sandbox.isolation.SlotPool;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The observer lane's rules and the slot pool's two priorities, without sandboxes. */
class ObserverLaneTest {

  @Test
  @DisplayName(
      "per session: one at a time, and a newer edit replaces the one still waiting (observer_superseded)")
  void perSessionCoalescing() {
    ObserverLane lane = new ObserverLane(2, 8, 5);
    ObserverLane.Ticket first = lane.enter("s1", "u1");
    assertThat(first.turn()).isCompleted();
    ObserverLane.Ticket second = lane.enter("s1", "u1");
    assertThat(second.turn()).as("the session already has one running").isNotDone();
    ObserverLane.Ticket third = lane.enter("s1", "u1");
    assertThat(second.turn()).isCompletedExceptionally();
    assertThatThrownBy(() -> second.turn().get())
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(ObserverLane.Refused.class)
        .hasFieldOrPropertyWithValue("code", "observer_superseded")
        .hasFieldOrPropertyWithValue("status", 429);
    assertThat(lane.waiting()).isEqualTo(1);
    ObserverLane.Ticket other = lane.enter("s2", "u2");
    assertThat(other.turn()).as("another session runs beside it").isCompleted();
    first.close();
    assertThat(third.turn())
        .as("the newest edit runs once the session's running one is done")
        .isCompleted();
    second.close(); // a superseded ticket closes harmlessly
    assertThat(lane.running()).isEqualTo(2);
  }

  @Test
  @DisplayName("per user: at most two in flight across the user's sessions (observer_user_limit)")
  void perUser() {
    ObserverLane lane = new ObserverLane(1, 8, 2);
    ObserverLane.Ticket a = lane.enter("s1", "u1");
    ObserverLane.Ticket b = lane.enter("s2", "u1");
    assertThat(b.turn()).isNotDone();
    assertThatThrownBy(() -> lane.enter("s3", "u1"))
        .isInstanceOf(ObserverLane.Refused.class)
        .hasFieldOrPropertyWithValue("code", "observer_user_limit")
        .hasFieldOrPropertyWithValue("status", 429);
    assertThat(lane.enter("s4", "u2").turn()).as("another user still gets in").isNotDone();
    a.close();
    assertThat(b.turn()).isCompleted();
    assertThat(lane.enter("s3", "u1")).as("a place of the user's is free again").isNotNull();
  }

  @Test
  @DisplayName("a full lane is the runner's limit: 503 sandbox_busy")
  void full() {
    ObserverLane lane = new ObserverLane(1, 1, 5);
    lane.enter("s1", null);
    lane.enter("s2", null);
    assertThatThrownBy(() -> lane.enter("s3", null))
        .isInstanceOf(ObserverLane.Refused.class)
        .hasFieldOrPropertyWithValue("code", "sandbox_busy")
        .hasFieldOrPropertyWithValue("status", 503);
  }

  @Test
  @DisplayName(
      "a freed slot goes to a waiting execution before a background task that waited longer")
  void executionsFirst() throws Exception {
    Slot only = new Slot(0, 100_000, Path.of("/nonexistent"));
    SlotPool pool = new SlotPool(List.of(only), 4);
    Slot held = pool.take();
    CompletableFuture<String> order = new CompletableFuture<>();
    StringBuffer taken = new StringBuffer();
    Thread background =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    pool.give(take(pool, true, taken));
                  } catch (InterruptedException ignored) {
                    // the test ended
                  }
                });
    eventually("the background turn waiting", () -> background.getState() == Thread.State.WAITING);
    Thread execution =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    pool.give(take(pool, false, taken));
                    order.complete(taken.toString());
                  } catch (InterruptedException ignored) {
                    // the test ended
                  }
                });
    eventually("one execution waiting", () -> pool.waitingExecutions() == 1);
    pool.give(held);
    execution.join(5_000);
    background.join(5_000);
    assertThat(taken.toString()).isEqualTo("execution background");
    assertThat(pool.freeSlots()).isEqualTo(1);
  }

  private static Slot take(SlotPool pool, boolean background, StringBuffer taken)
      throws InterruptedException {
    Slot slot = background ? pool.takeBackground() : pool.take();
    synchronized (taken) {
      taken.append(taken.isEmpty() ? "" : " ").append(background ? "background" : "execution");
    }
    return slot;
  }
}
