package com.interviewroom.realtime.recording;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.storage.ObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a live recording keeps in the heap and on disk, on a clock the test moves by hand. */
class ChunkSpoolTest {
  private static final int SECOND = StereoChunkWriter.SAMPLE_RATE;

  /** The writer's scratch array and the one block it fills. */
  private static final int BOUND = 8 * 1024 + ChunkSpool.BLOCK_BYTES;

  @TempDir Path dir;
  private long nowMs;
  private final List<WavChunk> chunks = new ArrayList<>();

  private void handedOff(CompletionStage<WavChunk> spooled) {
    chunks.add(spooled.toCompletableFuture().join());
  }

  private static Buffer frame(int value) {
    Buffer pcm = Buffer.buffer(4_800);
    for (int i = 0; i < 2_400; i++) {
      pcm.appendShortLE((short) value);
    }
    return pcm;
  }

  /**
   * {@code seconds} of a conversation in 100 ms frames from both sides, ticking each second as the
   * recorder does.
   */
  private void talk(StereoChunkWriter writer, int seconds, Runnable check) {
    Buffer candidate = frame(1_000);
    Buffer interviewer = frame(-1_000);
    for (int i = 0; i < seconds * 10; i++) {
      nowMs += 100;
      writer.candidate(candidate);
      writer.interviewer(interviewer);
      if (i % 10 == 9) {
        writer.tick();
      }
      check.run();
    }
  }

  @Test
  @DisplayName(
      "a recorded session holds at most its scratch and one 32 KiB block in the heap at any point of 95 s of talk, with 30 s or 300 s chunks; the chunks are whole on disk")
  void heapPerSessionIsBounded() throws Exception {
    for (int chunkSeconds : new int[] {30, 300}) {
      chunks.clear();
      nowMs = 0;
      ChunkSpool spool = new ChunkSpool(dir, Runnable::run, 16, new SimpleMeterRegistry());
      StereoChunkWriter writer =
          new StereoChunkWriter(chunkSeconds * SECOND, () -> nowMs, spool.lane(), this::handedOff);
      int[] peak = {0};
      talk(
          writer,
          95,
          () -> {
            peak[0] = Math.max(peak[0], writer.retainedBytes());
            assertThat(spool.blocksInUse()).as("blocks out of the pool").isLessThanOrEqualTo(1);
          });
      assertThat(peak[0])
          .as("heap held by the writer, %d s chunks", chunkSeconds)
          .isLessThanOrEqualTo(BOUND)
          .isLessThan(100 * 1024);
      writer.close();
      assertThat(writer.retainedBytes()).isLessThanOrEqualTo(8 * 1024);
      assertThat(spool.blocksInUse()).isZero();
      assertThat(writer.droppedFrames()).isZero();
      long frames = chunks.stream().mapToLong(WavChunk::frames).sum();
      assertThat(frames)
          .as("the last interviewer frame starts playing at 95 s")
          .isEqualTo(95L * SECOND + 100 * 24);
      for (WavChunk chunk : chunks) {
        assertThat(Files.size(chunk.file())).isEqualTo(chunk.length());
        chunk.delete();
      }
    }
  }

  @Test
  @DisplayName(
      "when the disk falls behind and the node's blocks are all out, audio is dropped and counted at once; nothing waits, nothing grows")
  void fullPoolDrops() {
    List<Runnable> stalledDisk = new ArrayList<>();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ChunkSpool spool = new ChunkSpool(dir, stalledDisk::add, 2, registry);
    StereoChunkWriter writer =
        new StereoChunkWriter(30 * SECOND, () -> nowMs, spool.lane(), this::handedOff);
    talk(writer, 10, () -> assertThat(spool.blocksInUse()).isLessThanOrEqualTo(2));
    assertThat(writer.droppedFrames())
        .as("most of 10 s of two sides")
        .isGreaterThan(2L * 9 * SECOND);
    assertThat(registry.get("interviewroom.recording.spool.dropped").counter().count())
        .isPositive();
    assertThat(registry.get("interviewroom.recording.spool.blocks").gauge().value()).isEqualTo(2);

    stalledDisk.forEach(Runnable::run); // the disk catches up: the blocks go back to the pool
    assertThat(spool.blocksInUse()).isZero();
  }

  @Test
  @DisplayName(
      "a chunk cut short by close is trimmed; a lane closed with an unfinished chunk leaves no file behind")
  void unfinishedFilesAreRemoved() throws Exception {
    ChunkSpool spool = new ChunkSpool(dir, Runnable::run, 4, new SimpleMeterRegistry());
    ChunkSpool.Lane lane = spool.lane();
    byte[] samples = new byte[2 * 100];
    assertThat(lane.samples(0, 0, StereoChunkWriter.CANDIDATE, samples, 0, 100)).isZero();
    lane.close();
    assertThat(listed()).isEmpty();
  }

  @Test
  @DisplayName(
      "a finished chunk is one interleaved WAV, whatever order the two sides were recorded in: each side where it was written (silence overwriting it), silence elsewhere; only its file is left")
  void finishedChunkIsInterleaved() throws Exception {
    ChunkSpool spool = new ChunkSpool(dir, Runnable::run, 4, new SimpleMeterRegistry());
    ChunkSpool.Lane lane = spool.lane();
    byte[] candidate = new byte[2 * 100];
    byte[] interviewer = new byte[2 * 50];
    for (int i = 0; i < 100; i++) {
      candidate[2 * i] = 0x34;
      candidate[2 * i + 1] = 0x12; // 0x1234, little-endian
    }
    Arrays.fill(interviewer, (byte) -1);
    // the interviewer's side first and then overwritten in part with silence (a barge-in), the
    // candidate's after it: records of the two sides come in any order
    assertThat(lane.samples(0, 30, StereoChunkWriter.INTERVIEWER, interviewer, 0, 50)).isZero();
    assertThat(lane.zero(0, 70, StereoChunkWriter.INTERVIEWER, 10)).isTrue();
    assertThat(lane.samples(0, 0, StereoChunkWriter.CANDIDATE, candidate, 0, 100)).isZero();
    WavChunk chunk = lane.finish(0, 120).toCompletableFuture().get();

    assertThat(listed()).containsExactly(chunk.file());
    byte[] wav = Files.readAllBytes(chunk.file());
    assertThat(wav).hasSize(WavChunk.HEADER_BYTES + 120 * 4).hasSize(chunk.length());
    ByteBuffer samples =
        ByteBuffer.wrap(wav, WavChunk.HEADER_BYTES, 120 * 4).slice().order(ByteOrder.LITTLE_ENDIAN);
    for (int f = 0; f < 120; f++) {
      assertThat(samples.getShort(f * 4))
          .as("candidate, frame %d", f)
          .isEqualTo((short) (f < 100 ? 0x1234 : 0));
      assertThat(samples.getShort(f * 4 + 2))
          .as("interviewer, frame %d", f)
          .isEqualTo((short) (f >= 30 && f < 70 ? -1 : 0));
    }
    lane.close();
  }

  @Test
  @DisplayName(
      "records gathered per block into one read and write come out as if each were applied alone, in order: 300 random conversations of both sides, overlapping rewrites, silences, audio queued seconds ahead and into the next chunk")
  void gatheredRecordsKeepTheirOrder() throws Exception {
    java.util.Random random = new java.util.Random(16);
    int frames = 4 * SECOND;
    for (int round = 0; round < 300; round++) {
      ChunkSpool spool = new ChunkSpool(dir, Runnable::run, 64, new SimpleMeterRegistry());
      ChunkSpool.Lane lane = spool.lane();
      long[] starts = {0, frames};
      byte[][] expected = {new byte[frames * 4], new byte[frames * 4]};
      int[] at = {0, 0};
      for (int record = 0; record < 60; record++) {
        int side = random.nextInt(2);
        int chunk = random.nextInt(10) == 0 ? 1 : 0;
        int offset =
            switch (random.nextInt(6)) {
              case 0 -> random.nextInt(frames); // anywhere: ahead, or over what was written
              case 1 -> Math.max(0, at[side] - random.nextInt(3_000)); // a rewrite of the last bit
              case 2 -> Math.max(0, at[1 - side] + random.nextInt(6_000) - 3_000); // by the other
              default -> at[side]; // back to back
            };
        int count =
            1
                + random.nextInt(
                    switch (random.nextInt(8)) {
                      case 0 -> 60_000;
                      case 1, 2, 3 -> 500;
                      default -> 4_800;
                    });
        count = Math.min(count, frames - offset);
        if (count <= 0) {
          continue;
        }
        byte[] model = expected[chunk];
        if (random.nextInt(6) == 0) {
          assertThat(lane.zero(starts[chunk], offset, side, count)).isTrue();
          for (int f = offset; f < offset + count; f++) {
            model[f * 4 + side * 2] = 0;
            model[f * 4 + side * 2 + 1] = 0;
          }
        } else {
          count = Math.min(count, 6_000);
          byte[] samples = new byte[count * 2];
          random.nextBytes(samples);
          assertThat(lane.samples(starts[chunk], offset, side, samples, 0, count)).isZero();
          for (int f = 0; f < count; f++) {
            model[(offset + f) * 4 + side * 2] = samples[f * 2];
            model[(offset + f) * 4 + side * 2 + 1] = samples[f * 2 + 1];
          }
        }
        at[side] = offset + count;
      }
      for (int chunk = 0; chunk < 2; chunk++) {
        WavChunk wav = lane.finish(starts[chunk], frames).toCompletableFuture().get();
        byte[] bytes = Files.readAllBytes(wav.file());
        assertThat(Arrays.copyOfRange(bytes, WavChunk.HEADER_BYTES, bytes.length))
            .as("round %d, chunk %d", round, chunk)
            .isEqualTo(expected[chunk]);
        Files.delete(wav.file());
      }
      lane.close();
      assertThat(spool.blocksInUse()).isZero();
    }
  }

  @Test
  @DisplayName(
      "after the spool's threads stopped (shutdown), a session that ends gets its chunks failed at once, not never, and returns its blocks")
  void stoppedSpoolFailsAtOnce() {
    ChunkSpool spool =
        new ChunkSpool(
            dir,
            task -> {
              throw new java.util.concurrent.RejectedExecutionException("stopped");
            },
            4,
            new SimpleMeterRegistry());
    ChunkSpool.Lane lane = spool.lane();
    assertThat(lane.samples(0, 0, StereoChunkWriter.CANDIDATE, new byte[200], 0, 100)).isZero();
    CompletionStage<WavChunk> first = lane.finish(0, 100);
    CompletionStage<WavChunk> second = lane.finish(SECOND, 100);
    assertThat(first.toCompletableFuture()).isCompletedExceptionally();
    assertThat(second.toCompletableFuture())
        .as("the lane is not left scheduled")
        .isCompletedExceptionally();
    assertThat(spool.blocksInUse()).isZero();
  }

  @Test
  @DisplayName(
      "start-up removes the spool files a crashed process left (the directory is made if missing); Recorders.create does it")
  void startUpClearsLeftovers() throws Exception {
    Path spoolDir = dir.resolve("recording-spool");
    assertThat(ChunkSpool.clear(spoolDir)).isZero();
    Files.write(spoolDir.resolve("3-0.wav"), new byte[4_000]);
    Files.write(spoolDir.resolve("3-720000.wav"), new byte[44]);
    Files.writeString(spoolDir.resolve("notes.txt"), "not ours");

    Vertx vertx = Vertx.vertx();
    try (ObjectStore store =
        new ObjectStore(vertx, new Config.S3("http://127.0.0.1:9", "b", "us-east-1", "k", "s"))) {
      Recorders recorders =
          Recorders.create(
              vertx,
              Config.Recording.DEFAULTS,
              store,
              null,
              new SimpleMeterRegistry(),
              Clock.systemUTC(),
              spoolDir);
      try (Stream<Path> left = Files.list(spoolDir)) {
        assertThat(left).extracting(p -> p.getFileName().toString()).containsExactly("notes.txt");
      }
      recorders.close().toCompletionStage().toCompletableFuture().get();
    } finally {
      vertx.close();
    }
  }

  private List<Path> listed() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.toList();
    }
  }
}
