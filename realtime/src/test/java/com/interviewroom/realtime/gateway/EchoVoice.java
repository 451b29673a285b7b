package com.interviewroom.realtime.gateway;

import com.interviewroom.realtime.voice.ClientChannel;
import com.interviewroom.realtime.voice.ContextNote;
import com.interviewroom.realtime.voice.InterviewContext;
import com.interviewroom.realtime.voice.VoiceSession;
import com.interviewroom.realtime.voice.VoiceSessionFactory;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A voice double for gateway tests: echoes candidate audio back {@code echoTimes} times (a slow
 * reader then faces more than it sends) and records what the gateway told the voice side, per
 * session.
 */
final class EchoVoice implements VoiceSessionFactory {
  /** What one session's voice side received, across all its connections. */
  static final class Record {
    final List<ContextNote> notes = new CopyOnWriteArrayList<>();
    final AtomicInteger audioFrames = new AtomicInteger();
    final java.util.concurrent.atomic.AtomicLong audioBytes =
        new java.util.concurrent.atomic.AtomicLong();
    final AtomicInteger commits = new AtomicInteger();
    final AtomicInteger cancels = new AtomicInteger();
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    final List<InterviewContext> contexts = new CopyOnWriteArrayList<>();

    /** The channel of the latest connection, so a test can play the voice side giving up. */
    volatile ClientChannel client;

    long notesOf(ContextNote.Kind kind) {
      return notes.stream().filter(n -> n.kind() == kind).count();
    }
  }

  private final int echoTimes;
  private final Map<UUID, Record> records = new ConcurrentHashMap<>();

  EchoVoice(int echoTimes) {
    this.echoTimes = echoTimes;
  }

  Record of(UUID sessionId) {
    return records.computeIfAbsent(sessionId, id -> new Record());
  }

  @Override
  public Future<VoiceSession> open(InterviewContext context, ClientChannel client) {
    Record record = of(context.sessionId());
    record.opened.incrementAndGet();
    record.contexts.add(context);
    record.client = client;
    return Future.succeededFuture(
        new VoiceSession() {
          @Override
          public void audio(Buffer pcm16At24k) {
            record.audioFrames.incrementAndGet();
            record.audioBytes.addAndGet(pcm16At24k.length());
            for (int i = 0; i < echoTimes; i++) {
              client.sendAudio(pcm16At24k);
            }
          }

          @Override
          public void commit() {
            record.commits.incrementAndGet();
          }

          @Override
          public void cancel() {
            record.cancels.incrementAndGet();
          }

          @Override
          public void inject(ContextNote note) {
            record.notes.add(note);
          }

          @Override
          public Future<Void> close() {
            record.closed.incrementAndGet();
            return Future.succeededFuture();
          }
        });
  }
}
