package com.interviewroom.realtime.recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One finished piece of a recording: a self-contained 16-bit PCM WAV file (header and samples) of
 * {@code length} bytes at {@code file} (in the {@link ChunkSpool}'s directory; whoever takes the
 * chunk deletes it), covering {@code frames} sample frames from frame {@code startFrame} of the
 * writer's timeline.
 */
public record WavChunk(long startFrame, int frames, Path file, int length) {
  public static final String CONTENT_TYPE = "audio/wav";
  public static final int HEADER_BYTES = 44;

  /**
   * Writes the canonical 44-byte RIFF/WAVE header for {@code frames} frames of 16-bit PCM at the
   * start of {@code into} (little-endian, as the format requires).
   */
  public static void writeHeader(byte[] into, int frames, int channels, int sampleRate) {
    int blockAlign = channels * 2;
    int dataBytes = frames * blockAlign;
    ascii(into, 0, "RIFF");
    int32(into, 4, 36 + dataBytes);
    ascii(into, 8, "WAVE");
    ascii(into, 12, "fmt ");
    int32(into, 16, 16); // the PCM fmt chunk's size
    int16(into, 20, 1); // PCM
    int16(into, 22, channels);
    int32(into, 24, sampleRate);
    int32(into, 28, sampleRate * blockAlign);
    int16(into, 32, blockAlign);
    int16(into, 34, 16); // bits per sample
    ascii(into, 36, "data");
    int32(into, 40, dataBytes);
  }

  /**
   * Removes the chunk's file; a failure leaves it for the next start-up's {@link ChunkSpool#clear}.
   */
  public void delete() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // removed at the next start-up
    }
  }

  private static void ascii(byte[] b, int at, String s) {
    for (int i = 0; i < 4; i++) {
      b[at + i] = (byte) s.charAt(i);
    }
  }

  private static void int16(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
  }

  private static void int32(byte[] b, int at, int v) {
    int16(b, at, v);
    int16(b, at + 2, v >>> 16);
  }
}
