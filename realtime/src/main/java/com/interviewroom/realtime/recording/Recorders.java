package com.interviewroom.realtime.recording;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.storage.ObjectStore;
import com.interviewroom.schema.Database;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The node's recordings: one {@link Recorder} per candidate socket (or {@link Recorder#OFF} when
 * {@code RECORDING_ENABLED=false} or the user turned {@code recordAudio} off), and the uploader
 * they share: the {@link ChunkSpool} that keeps the audio of live chunks on disk (two worker
 * threads) and the {@link ChunkUploader}.
 */
public final class Recorders {
  /** Records nothing (tests, and nodes without an object store). */
  public static final Recorders OFF = new Recorders(null, null, null, null, null, 0, null);

  private static final int SPOOL_THREADS = 2;

  private final Vertx vertx;
  private final ChunkSpool spool;
  private final ExecutorService spoolThreads;
  private final ChunkUploader uploader;
  private final RecordingRowStore rows;
  private final int chunkFrames;
  private final Clock clock;

  private Recorders(
      Vertx vertx,
      ChunkSpool spool,
      ExecutorService spoolThreads,
      ChunkUploader uploader,
      RecordingRowStore rows,
      int chunkFrames,
      Clock clock) {
    this.vertx = vertx;
    this.spool = spool;
    this.spoolThreads = spoolThreads;
    this.uploader = uploader;
    this.rows = rows;
    this.chunkFrames = chunkFrames;
    this.clock = clock;
  }

  /**
   * Blocking (start-up): empties {@code spoolDir} of what a previous process left there (see {@link
   * ChunkSpool#clear}); the directory is this node's own.
   */
  public static Recorders create(
      Vertx vertx,
      Config.Recording settings,
      ObjectStore store,
      Database db,
      MeterRegistry registry,
      Clock clock,
      Path spoolDir) {
    if (!settings.enabled()) {
      return OFF;
    }
    ChunkSpool.clear(spoolDir);
    ExecutorService spoolThreads =
        Executors.newFixedThreadPool(
            SPOOL_THREADS, Thread.ofPlatform().daemon().name("recording-spool-", 0).factory());
    ChunkSpool spool =
        new ChunkSpool(spoolDir, spoolThreads, ChunkSpool.DEFAULT_MAX_BLOCKS, registry);
    RecordingRowStore rows = new RecordingRowStore(db);
    ChunkUploader uploader =
        new ChunkUploader(store, rows, settings.uploadThreads(), settings.uploadQueue(), registry);
    return new Recorders(
        vertx,
        spool,
        spoolThreads,
        uploader,
        rows,
        settings.chunkSeconds() * StereoChunkWriter.SAMPLE_RATE,
        clock);
  }

  /** Call on the connection's event loop (the recorder's timer belongs to it). */
  public Recorder open(UUID sessionId, UUID userId, boolean userAllows) {
    if (uploader == null || !userAllows) {
      return Recorder.OFF;
    }
    return new SessionRecorder(vertx, sessionId, userId, chunkFrames, spool, uploader, rows, clock);
  }

  /** Chunks queued or uploading on this node. */
  public int pendingUploads() {
    return uploader == null ? 0 : uploader.pending();
  }

  /** Lets queued chunks reach the store (up to 10 s), off the event loop. */
  public Future<Void> close() {
    if (uploader == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(
        () -> {
          // the sessions closed first: their last chunks are written, queued blocks are of none
          spoolThreads.shutdown();
          spoolThreads.awaitTermination(2, TimeUnit.SECONDS);
          uploader.close(10_000);
          return null;
        },
        false);
  }
}
