package com.interviewroom.realtime.support;

import com.interviewroom.realtime.transcript.TranscriptBatcher;
import com.interviewroom.realtime.voice.BridgedVoiceSession;
import com.interviewroom.realtime.voice.PgSessionRecords;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * What the voice bridge and provider tests share: one Vert.x, the voice database, a transcript
 * batcher and the session records over it, and retries fast enough for a test. A test class adds
 * its provider fake in its own {@code @BeforeAll} (run after this one) and closes it in its own
 * {@code @AfterAll} (run before Vert.x closes here). The fields are static and shared: JUnit runs
 * one test class at a time here.
 */
public abstract class VoiceTestBed {
  /**
   * Retries after 10, 20 and 40 ms; 5 s to connect, 2 s to hold the candidate's audio, 3 attempts.
   */
  public static final BridgedVoiceSession.Settings FAST =
      new BridgedVoiceSession.Settings(
          List.of(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40)),
          Duration.ofSeconds(5),
          Duration.ofSeconds(2),
          3);

  protected static Vertx vertx;
  protected static VoiceDb voiceDb;
  protected static TranscriptBatcher batcher;
  protected static PgSessionRecords records;

  @BeforeAll
  static void startVoiceTestBed() {
    vertx = Vertx.vertx();
    voiceDb = new VoiceDb(vertx);
    batcher = new TranscriptBatcher(vertx, voiceDb.db, Duration.ofMillis(200), 500, 100_000);
    records = new PgSessionRecords(voiceDb.db);
  }

  @AfterAll
  static void stopVoiceTestBed() {
    vertx.close().await();
  }
}
