package com.interviewroom.realtime.recording;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.storage.ObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who gets recorded: everybody by default, nobody with RECORDING_ENABLED=false, not a user who
 * turned it off.
 */
class RecordersTest {
  @TempDir Path spoolDir;

  @Test
  @DisplayName(
      "RECORDING_ENABLED=false records nobody; a user with recordAudio=false is not recorded where it is on")
  void switches() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (ObjectStore store =
        new ObjectStore(vertx, new Config.S3("http://127.0.0.1:9", "b", "us-east-1", "k", "s"))) {
      Recorders off =
          Recorders.create(
              vertx,
              Config.Recording.DEFAULTS.withEnabled(false),
              store,
              null,
              new SimpleMeterRegistry(),
              Clock.systemUTC(),
              spoolDir);
      assertThat(off).isSameAs(Recorders.OFF);
      assertThat(off.open(UUID.randomUUID(), UUID.randomUUID(), true)).isSameAs(Recorder.OFF);

      Recorders on =
          Recorders.create(
              vertx,
              Config.Recording.DEFAULTS,
              store,
              null,
              new SimpleMeterRegistry(),
              Clock.systemUTC(),
              spoolDir);
      assertThat(on).isNotSameAs(Recorders.OFF);
      assertThat(on.open(UUID.randomUUID(), UUID.randomUUID(), false)).isSameAs(Recorder.OFF);
      on.close().toCompletionStage().toCompletableFuture().get();
    } finally {
      vertx.close();
    }
  }
}
