package com.interviewroom.edge.recording;

import com.interviewroom.common.storage.ObjectStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;

/**
 * A stored recording as its owner receives it: each chunk with a presigned GET valid for {@link
 * ObjectStore#PRESIGN_TTL}, the timeline rebased so that 0 is the first stored sample ({@code
 * startedAt}). docs/api.md, "Recordings".
 */
public final class RecordingLinks {
  public static final String CONTENT_TYPE = "audio/wav";
  private static final JsonArray CHANNEL_LAYOUT =
      new JsonArray().add("candidate").add("interviewer");

  private final ObjectStore store;
  private final Clock clock;

  public RecordingLinks(ObjectStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  public JsonObject toJson(RecordingRepository.StoredRecording recording) {
    long base = recording.chunks().get(0).startMs();
    long end = base;
    JsonArray chunks = new JsonArray();
    for (RecordingRepository.StoredChunk chunk : recording.chunks()) {
      end = Math.max(end, chunk.startMs() + chunk.durationMs());
      chunks.add(
          new JsonObject()
              .put("index", chunk.index())
              .put("startMs", chunk.startMs() - base)
              .put("durationMs", chunk.durationMs())
              .put("bytes", chunk.bytes())
              .put("url", store.presignGet(chunk.key())));
    }
    Instant startedAt = recording.origin().plusMillis(base);
    return new JsonObject()
        .put("sessionId", recording.sessionId().toString())
        .put("startedAt", startedAt.toString())
        .put("durationMs", end - base)
        .put("contentType", CONTENT_TYPE)
        .put("sampleRate", recording.sampleRate())
        .put("channels", recording.channels())
        .put("channelLayout", CHANNEL_LAYOUT.copy())
        .put("expiresAt", clock.instant().plus(ObjectStore.PRESIGN_TTL).toString())
        .put("chunks", chunks);
  }
}
