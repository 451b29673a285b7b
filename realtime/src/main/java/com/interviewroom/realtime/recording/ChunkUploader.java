package com.interviewroom.realtime.recording;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.common.storage.ObjectStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads finished chunks off the event loop: a fixed pool of platform threads (the AWS SDK client
 * blocks in socket reads) behind a bounded queue, shared by every session of the node. A full queue
 * (the store is slow or down) drops the chunk at once and counts it: memory stays bounded by {@code
 * RECORDING_UPLOAD_QUEUE} chunks and the relay never waits. After its object is stored, the chunk's
 * row is written; a row therefore never names a missing object. The chunk's spool file is streamed
 * to the store and deleted whatever became of it (stored, dropped or failed).
 *
 * <p>Metrics: {@code interviewroom.recording.chunks} (tag {@code outcome}: stored, dropped,
 * failed), {@code interviewroom.recording.bytes} stored, {@code
 * interviewroom.recording.upload.queue} waiting.
 */
public final class ChunkUploader {
  private static final Logger log = LoggerFactory.getLogger(ChunkUploader.class);
  static final String CHUNKS = "interviewroom.recording.chunks";
  private static final long ROW_TIMEOUT_S = 30;

  /**
   * One chunk to store under {@code key} and record as chunk {@code index} of {@code recordingId}.
   */
  public record Upload(
      UUID sessionId,
      UUID recordingId,
      int index,
      String key,
      long startMs,
      int durationMs,
      WavChunk chunk) {}

  private final ObjectStore store;
  private final RecordingRowStore rows;
  private final ThreadPoolExecutor pool;
  private final Counter stored;
  private final Counter dropped;
  private final Counter failed;
  private final Counter bytes;

  public ChunkUploader(
      ObjectStore store, RecordingRowStore rows, int threads, int queue, MeterRegistry registry) {
    this.store = store;
    this.rows = rows;
    this.pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(queue),
            Thread.ofPlatform().daemon().name("recording-upload-", 0).factory(),
            new ThreadPoolExecutor.AbortPolicy());
    pool.allowCoreThreadTimeOut(true);
    this.stored = outcome(registry, "stored");
    this.dropped = outcome(registry, "dropped");
    this.failed = outcome(registry, "failed");
    this.bytes =
        Counter.builder("interviewroom.recording.bytes")
            .description("Recording bytes stored")
            .register(registry);
    Gauge.builder("interviewroom.recording.upload.queue", pool, p -> p.getQueue().size())
        .description("Recording chunks waiting for the object store")
        .register(registry);
  }

  private static Counter outcome(MeterRegistry registry, String outcome) {
    return Counter.builder(CHUNKS)
        .description("Recording chunks by what became of them")
        .tag("outcome", outcome)
        .register(registry);
  }

  /** Completes when the chunk is stored with its row; fails at once when the queue is full. */
  public Future<Void> submit(Upload upload) {
    Promise<Void> done = Promise.promise();
    try {
      pool.execute(() -> run(upload, done));
    } catch (RejectedExecutionException full) {
      dropped.increment();
      upload.chunk().delete();
      log.warn(
          "recording chunk dropped, upload queue full {} {}",
          kv("sessionId", upload.sessionId()),
          kv("chunk", upload.index()));
      done.fail(full);
    }
    return done.future();
  }

  /** Counts a chunk lost before it reached the queue (its recording could not be opened). */
  void droppedBeforeQueue(WavChunk chunk) {
    dropped.increment();
    if (chunk != null) {
      chunk.delete();
    }
  }

  private void run(Upload upload, Promise<Void> done) {
    try {
      store.putBlocking(
          upload.key(), upload.chunk().file(), upload.chunk().length(), WavChunk.CONTENT_TYPE);
      rows.chunk(
              upload.recordingId(),
              upload.index(),
              upload.key(),
              upload.startMs(),
              upload.durationMs(),
              upload.chunk().length())
          .toCompletionStage()
          .toCompletableFuture()
          .get(ROW_TIMEOUT_S, TimeUnit.SECONDS);
      stored.increment();
      bytes.increment(upload.chunk().length());
      done.complete();
    } catch (Exception | Error e) {
      failed.increment();
      log.warn(
          "recording chunk not stored {} {} {}",
          kv("sessionId", upload.sessionId()),
          kv("chunk", upload.index()),
          kv("error", e.getClass().getSimpleName()));
      done.fail(e);
    } finally {
      upload.chunk().delete();
    }
  }

  static String basename(int index) {
    return String.format(Locale.ROOT, "chunk-%05d.wav", index);
  }

  /** Chunks queued or uploading. */
  public int pending() {
    return pool.getQueue().size() + pool.getActiveCount();
  }

  /** Blocking: lets queued chunks finish (at most {@code waitMs}), then stops the threads. */
  public void close(long waitMs) throws InterruptedException {
    pool.shutdown();
    if (!pool.awaitTermination(waitMs, TimeUnit.MILLISECONDS)) {
      pool.shutdownNow();
    }
  }
}
