package com.interviewroom.realtime.recording;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recording's mixer and chunker, on a clock the test moves by hand (1 ms = 24 frames); its
 * spool writes on the calling thread, so a chunk's file is whole when the writer hands it off.
 */
class StereoChunkWriterTest {
  private static final int SECOND = 24_000;
  @TempDir static Path spoolDir;
  private long nowMs;
  private final List<WavChunk> chunks = new ArrayList<>();
  private final Map<Path, byte[]> files = new HashMap<>();
  private final ChunkSpool spool =
      new ChunkSpool(spoolDir, Runnable::run, 64, new SimpleMeterRegistry());
  private final StereoChunkWriter writer =
      new StereoChunkWriter(SECOND, () -> nowMs, spool.lane(), this::handedOff);

  private void handedOff(CompletionStage<WavChunk> spooled) {
    chunks.add(spooled.toCompletableFuture().join());
  }

  private byte[] wav(WavChunk chunk) {
    return files.computeIfAbsent(
        chunk.file(),
        file -> {
          try {
            return Files.readAllBytes(file);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /** {@code ms} of mono PCM16 whose every sample is {@code value}. */
  private static Buffer constant(int ms, int value) {
    Buffer pcm = Buffer.buffer(ms * 48);
    for (int i = 0; i < ms * 24; i++) {
      pcm.appendShortLE((short) value);
    }
    return pcm;
  }

  private int sample(WavChunk chunk, int frame, int channel) {
    int at = WavChunk.HEADER_BYTES + frame * 4 + channel * 2;
    byte[] wav = wav(chunk);
    return (short) ((wav[at] & 0xff) | (wav[at + 1] << 8));
  }

  private void assertRange(WavChunk chunk, int channel, int fromMs, int toMs, int value) {
    for (int f = fromMs * 24; f < toMs * 24; f++) {
      assertThat(sample(chunk, f, channel))
          .as("channel %d at frame %d (%d ms)", channel, f, f / 24)
          .isEqualTo(value);
    }
  }

  @Test
  @DisplayName(
      "each chunk is a complete 24 kHz 16-bit stereo WAV file that javax.sound reads, one per second of timeline, the last cut where audio ends")
  void chunksAreValidWavFiles() throws Exception {
    for (nowMs = 100; nowMs <= 2_500; nowMs += 100) {
      writer.candidate(constant(100, 1_000));
    }
    nowMs = 2_600;
    writer.tick();
    assertThat(chunks).hasSize(2);
    writer.close();
    assertThat(chunks).hasSize(3);
    assertThat(chunks)
        .extracting(WavChunk::startFrame)
        .containsExactly(0L, (long) SECOND, 2L * SECOND);
    assertThat(chunks).extracting(WavChunk::frames).containsExactly(SECOND, SECOND, SECOND / 2);
    for (WavChunk chunk : chunks) {
      assertThat(chunk.length()).isEqualTo(44 + chunk.frames() * 4);
      assertThat(Files.size(chunk.file())).isEqualTo(chunk.length());
      try (AudioInputStream in = AudioSystem.getAudioInputStream(chunk.file().toFile())) {
        AudioFormat format = in.getFormat();
        assertThat(format.getEncoding()).isEqualTo(AudioFormat.Encoding.PCM_SIGNED);
        assertThat(format.getSampleRate()).isEqualTo(24_000f);
        assertThat(format.getChannels()).isEqualTo(2);
        assertThat(format.getSampleSizeInBits()).isEqualTo(16);
        assertThat(format.isBigEndian()).isFalse();
        assertThat(in.getFrameLength()).isEqualTo(chunk.frames());
        assertThat(in.readAllBytes()).hasSize(chunk.frames() * 4);
      }
    }
    assertRange(chunks.get(0), StereoChunkWriter.CANDIDATE, 0, 1_000, 1_000);
    assertRange(chunks.get(2), StereoChunkWriter.CANDIDATE, 0, 500, 1_000);
    assertRange(chunks.get(1), StereoChunkWriter.INTERVIEWER, 0, 1_000, 0);
  }

  @Test
  @DisplayName(
      "the candidate is on the left ending when the frame arrived, the interviewer on the right starting then; a quiet side is silence")
  void sidesAreInterleavedOnOneTimeline() {
    nowMs = 300;
    writer.interviewer(constant(200, -2_000));
    nowMs = 500;
    Buffer ramp = Buffer.buffer();
    for (int i = 0; i < 100 * 24; i++) {
      ramp.appendShortLE((short) (1_000 + i % 100));
    }
    writer.candidate(ramp);
    nowMs = 600;
    writer.close();

    assertThat(chunks).hasSize(1);
    WavChunk chunk = chunks.get(0);
    assertThat(chunk.frames()).as("cut where the audio ends").isEqualTo(500 * 24);
    assertRange(chunk, StereoChunkWriter.CANDIDATE, 0, 400, 0);
    assertRange(chunk, StereoChunkWriter.INTERVIEWER, 0, 300, 0);
    assertRange(chunk, StereoChunkWriter.INTERVIEWER, 300, 500, -2_000);
    for (int i = 0; i < 100 * 24; i++) {
      assertThat(sample(chunk, 400 * 24 + i, StereoChunkWriter.CANDIDATE))
          .isEqualTo(1_000 + i % 100);
    }
  }

  @Test
  @DisplayName(
      "an answer arriving faster than real time queues up back to back, as the player plays it")
  void interviewerAudioQueuesUp() {
    nowMs = 100;
    writer.interviewer(constant(200, 11));
    writer.interviewer(constant(200, 22));
    writer.interviewer(constant(200, 33));
    nowMs = 200;
    writer.close();
    WavChunk chunk = chunks.get(0);
    assertThat(chunk.frames()).isEqualTo(700 * 24);
    assertRange(chunk, StereoChunkWriter.INTERVIEWER, 0, 100, 0);
    assertRange(chunk, StereoChunkWriter.INTERVIEWER, 100, 300, 11);
    assertRange(chunk, StereoChunkWriter.INTERVIEWER, 300, 500, 22);
    assertRange(chunk, StereoChunkWriter.INTERVIEWER, 500, 700, 33);
  }

  @Test
  @DisplayName("interviewer audio longer than the largest client frame (64 KiB) is recorded whole")
  void longProviderBuffersAreRecordedWhole() {
    nowMs = 0;
    writer.interviewer(constant(900, 6)); // 43,200 samples, 86,400 bytes
    nowMs = 10;
    writer.close();
    assertThat(chunks.get(0).frames()).isEqualTo(900 * 24);
    assertRange(chunks.get(0), StereoChunkWriter.INTERVIEWER, 0, 900, 6);
  }

  @Test
  @DisplayName("a barge-in drops the interviewer audio queued past now; the next answer starts now")
  void bargeInClearsQueuedAudio() {
    nowMs = 100;
    writer.interviewer(constant(600, 7));
    nowMs = 300;
    writer.clearInterviewer();
    writer.interviewer(constant(100, 9));
    nowMs = 400;
    writer.close();
    WavChunk chunk = chunks.get(0);
    assertRange(chunk, StereoChunkWriter.INTERVIEWER, 100, 300, 7);
    assertRange(chunk, StereoChunkWriter.INTERVIEWER, 300, 400, 9);
    assertRange(chunk, StereoChunkWriter.INTERVIEWER, 400, chunk.frames() / 24, 0);
  }

  @Test
  @DisplayName(
      "a chunk is handed off a tenth of a chunk after its end with no further audio, so a crash loses only the chunk in progress")
  void chunksLeaveOnTheTimer() {
    for (nowMs = 100; nowMs <= 1_000; nowMs += 100) {
      writer.candidate(constant(100, 5));
    }
    nowMs = 1_099;
    writer.tick();
    assertThat(chunks).isEmpty();
    nowMs = 1_100;
    writer.tick();
    assertThat(chunks).hasSize(1);
    assertThat(chunks.get(0).frames()).isEqualTo(SECOND);
    nowMs = 60_000;
    writer.tick();
    writer.close();
    assertThat(chunks).as("silence with no audio at all is not uploaded").hasSize(1);
  }

  @Test
  @DisplayName(
      "audio for a chunk already handed off, or beyond the next one, is dropped and counted; nothing written, nothing emitted")
  void lateAndFarAheadAudioIsDropped() {
    nowMs = 0;
    writer.interviewer(constant(100, 1));
    nowMs = 1_100;
    writer.tick();
    assertThat(chunks).hasSize(1);
    nowMs = 1_150;
    writer.candidate(
        constant(300, 2)); // captured 850..1150 ms: 150 ms fall in the chunk already gone
    writer.interviewer(constant(1_200, 3)); // 1150..2350 ms
    writer.interviewer(
        constant(1_200, 4)); // 2350..3550 ms: past 3000 ms, the end of the next chunk
    assertThat(writer.droppedFrames()).isEqualTo(150 * 24 + 550 * 24);
    writer.close();
    assertThat(chunks).hasSize(3);
    assertThat(chunks.get(1).frames()).as("whole, followed by queued audio").isEqualTo(SECOND);
    assertThat(chunks.get(2).frames()).isEqualTo(SECOND);
    assertRange(chunks.get(2), StereoChunkWriter.INTERVIEWER, 0, 350, 3);
    assertRange(chunks.get(2), StereoChunkWriter.INTERVIEWER, 350, 1_000, 4);

    StereoChunkWriter idle =
        new StereoChunkWriter(SECOND, () -> nowMs, spool.lane(), this::handedOff);
    idle.close();
    assertThat(chunks).hasSize(3);
  }
}
