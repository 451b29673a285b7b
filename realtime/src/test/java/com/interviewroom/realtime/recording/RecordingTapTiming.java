package com.interviewroom.realtime.recording;

import io.vertx.core.buffer.Buffer;

/**
 * ns per 100 ms frame that the recording adds to the relay (not a test, not timed anywhere): a
 * candidate frame and an interviewer frame written into {@link StereoChunkWriter} at real-time pace
 * on a simulated clock, chunks of 30 s spooled to a temporary directory by a worker thread (not
 * measured: off the event loop) and deleted. The simulated clock runs far faster than the disk, so
 * the loop waits (outside the measured time) whenever half the spool's blocks are out; it reports
 * the frames dropped, which must be none. Run: {@code java -cp <test classpath>
 * ...RecordingTapTiming [frames]}.
 */
public final class RecordingTapTiming {
  private static final java.util.concurrent.atomic.AtomicLong sink =
      new java.util.concurrent.atomic.AtomicLong();

  public static void main(String[] args) throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("recording-spool");
    java.util.concurrent.ExecutorService disk =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    ChunkSpool spool =
        new ChunkSpool(
            dir,
            disk,
            ChunkSpool.DEFAULT_MAX_BLOCKS,
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    int frames = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    byte[] pcm = new byte[4_800];
    new java.util.Random(1).nextBytes(pcm);
    Buffer frame = Buffer.buffer(pcm);
    for (int round = 0; round < 3; round++) { // the first rounds warm up the JIT
      long[] now = {0};
      StereoChunkWriter writer =
          new StereoChunkWriter(
              30 * StereoChunkWriter.SAMPLE_RATE,
              () -> now[0],
              spool.lane(),
              spooled ->
                  spooled.thenAccept(
                      chunk -> {
                        sink.addAndGet(chunk.length());
                        chunk.delete();
                      }));
      long measured = 0;
      for (int i = 0; i < frames; i++) {
        while (spool.blocksInUse() > ChunkSpool.DEFAULT_MAX_BLOCKS / 2) {
          Thread.sleep(1);
        }
        long t0 = System.nanoTime();
        now[0] += 100;
        writer.candidate(frame);
        writer.interviewer(frame);
        if (i % 10 == 9) {
          writer.tick(); // once a second, as the recorder's timer does
        }
        measured += System.nanoTime() - t0;
      }
      writer.close();
      System.out.printf(
          "round %d: %,d ns per 100 ms frame (candidate and interviewer side each), %d frames dropped, retained %d B%n",
          round, measured / (2L * frames), writer.droppedFrames(), writer.retainedBytes());
    }
    disk.shutdown();
    disk.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
    System.out.printf("%,d bytes of chunks written%n", sink.get());
  }
}
