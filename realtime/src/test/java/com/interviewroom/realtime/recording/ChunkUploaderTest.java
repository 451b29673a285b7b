package com.interviewroom.realtime.recording;

import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.storage.ObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A store that never answers (a socket that accepts and stays silent) must not hold up the caller
 * (the connection's event loop) nor grow memory: one chunk uploads, the queue holds what it may,
 * the rest is dropped at once and counted.
 */
class ChunkUploaderTest {
  @Test
  @DisplayName(
      "against a store that never answers, submit returns at once; beyond threads + queue a chunk is dropped immediately and counted")
  void slowStoreDropsInsteadOfWaiting() throws Exception {
    List<Socket> held = new CopyOnWriteArrayList<>();
    try (ServerSocket silent = new ServerSocket(0)) {
      Thread acceptor =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    while (!silent.isClosed()) {
                      try {
                        held.add(silent.accept());
                      } catch (Exception closed) {
                        return;
                      }
                    }
                  });
      Vertx vertx = Vertx.vertx();
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      ObjectStore store =
          new ObjectStore(
              vertx,
              new Config.S3(
                  "http://127.0.0.1:" + silent.getLocalPort(), "silent", "us-east-1", "k", "s"));
      // the rows are never reached: no object is ever stored
      ChunkUploader uploader =
          new ChunkUploader(store, new RecordingRowStore(null), 1, 1, registry);
      try {
        byte[] wav = new byte[44 + 4 * 2_400];
        WavChunk.writeHeader(wav, 2_400, 2, 24_000);
        WavChunk chunk = spooled(wav);
        WavChunk second = spooled(wav);
        WavChunk third = spooled(wav);
        UUID recording = UUID.randomUUID();
        long started = System.nanoTime();
        Future<Void> uploading =
            uploader.submit(
                new ChunkUploader.Upload(
                    UUID.randomUUID(), recording, 0, "u/x/chunk-00000.wav", 0, 100, chunk));
        Future<Void> queued =
            uploader.submit(
                new ChunkUploader.Upload(
                    UUID.randomUUID(), recording, 1, "u/x/chunk-00001.wav", 100, 100, second));
        Future<Void> dropped =
            uploader.submit(
                new ChunkUploader.Upload(
                    UUID.randomUUID(), recording, 2, "u/x/chunk-00002.wav", 200, 100, third));
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(tookMs).as("three submits against a silent store").isLessThan(500);
        assertThat(dropped.failed()).isTrue();
        assertThat(dropped.cause()).isInstanceOf(RejectedExecutionException.class);
        assertThat(uploading.isComplete()).isFalse();
        assertThat(queued.isComplete()).isFalse();
        long until = System.currentTimeMillis() + 2_000;
        while (uploader.pending() != 2 && System.currentTimeMillis() < until) {
          Thread.sleep(10); // the worker thread marks itself active once it runs
        }
        assertThat(uploader.pending()).as("one uploading, one queued").isEqualTo(2);
        assertThat(registry.get(ChunkUploader.CHUNKS).tag("outcome", "dropped").counter().count())
            .isEqualTo(1);
        assertThat(registry.get("interviewroom.recording.upload.queue").gauge().value())
            .isEqualTo(1);
        assertThat(third.file()).as("a dropped chunk's spool file is removed").doesNotExist();
        assertThat(second.file()).as("a queued chunk's file stays until it is uploaded").exists();
      } finally {
        uploader.close(0);
        store.close();
        vertx.close();
        for (Socket socket : held) {
          socket.close();
        }
        acceptor.interrupt();
      }
    }
  }

  private static WavChunk spooled(byte[] wav) throws java.io.IOException {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("chunk", ".wav");
    java.nio.file.Files.write(file, wav);
    return new WavChunk(0, 2_400, file, wav.length);
  }
}
