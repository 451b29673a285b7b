package com.interviewroom.realtime.recording;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recording of one socket of a session: a {@link StereoChunkWriter} fed by the connection, a
 * one-second timer that hands off chunks whose time is over (so a crash loses at most the chunk in
 * progress), and the uploads of its chunks. Chunks finished before the recording's row exists wait
 * for it. Call it on the connection's event loop, where it was made.
 */
final class SessionRecorder implements Recorder {
  private static final Logger log = LoggerFactory.getLogger(SessionRecorder.class);
  static final long TICK_MS = 1_000;

  private final Vertx vertx;
  private final Context context;
  private final UUID sessionId;
  private final ChunkUploader uploader;
  private final RecordingRowStore rows;
  private final Future<RecordingRowStore.Opened> opened;
  private final StereoChunkWriter writer;
  private final long timer;
  private final List<Future<Void>> uploads = new ArrayList<>();
  private Future<Void> closing;

  /** The last chunk number taken: the next waits for it, so numbers follow the timeline. */
  private Future<Void> claims = Future.succeededFuture();

  SessionRecorder(
      Vertx vertx,
      UUID sessionId,
      UUID userId,
      int chunkFrames,
      ChunkSpool spool,
      ChunkUploader uploader,
      RecordingRowStore rows,
      Clock clock) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.sessionId = sessionId;
    this.uploader = uploader;
    this.rows = rows;
    this.opened =
        rows.open(sessionId, userId)
            .onFailure(
                e ->
                    log.warn(
                        "recording not opened {} {}",
                        kv("sessionId", sessionId),
                        kv("error", e.getClass().getSimpleName())));
    this.writer = new StereoChunkWriter(chunkFrames, clock::millis, spool.lane(), this::finished);
    this.timer = vertx.setPeriodic(TICK_MS, id -> writer.tick());
  }

  @Override
  public void candidate(Buffer pcm16At24k) {
    writer.candidate(pcm16At24k);
  }

  @Override
  public void interviewer(Buffer pcm16At24k) {
    writer.interviewer(pcm16At24k);
  }

  @Override
  public void interviewerCleared() {
    writer.clearInterviewer();
  }

  @Override
  public Future<Void> close() {
    if (closing == null) {
      vertx.cancelTimer(timer);
      writer.close();
      closing =
          Future.join(List.copyOf(uploads))
              .<Void>mapEmpty()
              .transform(
                  done ->
                      opened.succeeded()
                          ? rows.complete(opened.result().id())
                          : Future.<Void>succeededFuture())
              .recover(e -> Future.succeededFuture());
    }
    return closing;
  }

  /**
   * Numbers the chunk (the recording's next number in the database, unique across every socket and
   * node of the session, taken in this socket's order), then, once the spool has written its file,
   * queues its upload.
   */
  private void finished(CompletionStage<WavChunk> spooled) {
    uploads.removeIf(Future::isComplete);
    Future<Void> previous = claims;
    Future<Integer> index =
        opened.compose(recording -> previous.transform(done -> rows.claimIndex(recording.id())));
    claims = index.<Void>mapEmpty().recover(e -> Future.succeededFuture());
    Future<WavChunk> written = Future.fromCompletionStage(spooled, context);
    uploads.add(
        Future.join(index, written)
            .transform(
                both -> {
                  if (written.failed()) {
                    uploader.droppedBeforeQueue(null);
                    return Future.failedFuture(written.cause());
                  }
                  WavChunk chunk = written.result();
                  if (index.failed()) {
                    uploader.droppedBeforeQueue(chunk);
                    return Future.failedFuture(index.cause());
                  }
                  RecordingRowStore.Opened recording = opened.result();
                  // the writer's frame 0 is when this socket began; the recording's origin is the
                  // session's activation
                  long startMs =
                      Math.max(0, writer.originMs() - recording.startedAt().toEpochMilli())
                          + chunk.startFrame() / StereoChunkWriter.FRAMES_PER_MS;
                  int durationMs = Math.max(1, chunk.frames() / StereoChunkWriter.FRAMES_PER_MS);
                  String key = recording.keyPrefix() + ChunkUploader.basename(index.result());
                  return uploader.submit(
                      new ChunkUploader.Upload(
                          sessionId,
                          recording.id(),
                          index.result(),
                          key,
                          startMs,
                          durationMs,
                          chunk));
                }));
  }
}
