package com.interviewroom.realtime.voice;

import com.interviewroom.realtime.transcript.TranscriptBatcher;
import com.interviewroom.realtime.transcript.TranscriptItem;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The conversation of one bridge: the transcript lines stored (through the batcher) with the time
 * their turn began, the assistant's text while it streams, and every line so far (the resumed
 * history, context notes, finals) in order, which is what a new provider is told after a failover.
 * Event loop only.
 */
final class Conversation {
  private final InterviewContext context;
  private final TranscriptBatcher transcripts;
  private final Clock clock;
  private final Instant openedAt;
  private Instant lastSpeechStart;
  private final Map<String, StringBuilder> assistantText = new HashMap<>();
  private final Map<String, Instant> turnStarts = new HashMap<>();
  private final List<Line> history = new ArrayList<>();
  private int noteCount;

  private record Line(Instant at, InterviewContext.TranscriptLine line) {}

  Conversation(
      InterviewContext context, TranscriptBatcher transcripts, Clock clock, Instant openedAt) {
    this.context = context;
    this.transcripts = transcripts;
    this.clock = clock;
    this.openedAt = openedAt;
    context.history().forEach(l -> history.add(new Line(openedAt, l)));
  }

  /**
   * A context note the interviewer was given: part of what a new provider is told, never stored.
   */
  void note(String text) {
    history.add(
        new Line(
            clock.instant(),
            new InterviewContext.TranscriptLine("system", "note-" + (++noteCount), text)));
  }

  /** The candidate began to speak: their next line's turn starts now. */
  void speechStarted() {
    lastSpeechStart = clock.instant();
  }

  /** The turn of {@code itemId} began at {@code at}, unless its start is known already. */
  void turnStarted(String itemId, Instant at) {
    turnStarts.putIfAbsent(itemId, at);
  }

  /**
   * A piece of a line; the assistant's pieces are kept until its final, in case it is interrupted.
   */
  void delta(String role, String itemId, String text) {
    turnStarts.putIfAbsent(itemId, startFor(role));
    if ("assistant".equals(role)) {
      assistantText.computeIfAbsent(itemId, k -> new StringBuilder()).append(text);
    }
  }

  /** A line is complete; completes once it is in the database. */
  Future<Void> finalLine(String role, String itemId, String text) {
    turnStarts.putIfAbsent(itemId, startFor(role));
    if ("assistant".equals(role)) {
      assistantText.remove(itemId);
    }
    return store(role, itemId, text);
  }

  /**
   * The response of {@code itemId} is done: its turn start is forgotten (an audio-only answer has
   * no transcript to date).
   */
  void responseDone(String itemId) {
    turnStarts.remove(itemId);
  }

  /**
   * The assistant's text of {@code itemId} so far, taken (nothing more of it is stored); null when
   * none.
   */
  String takeAssistantSoFar(String itemId) {
    StringBuilder soFar = assistantText.remove(itemId);
    return soFar != null ? soFar.toString() : null;
  }

  /**
   * Stores what the assistant said of {@code itemId} so far, when anything (an answer with no
   * final).
   */
  void storeAssistantSoFar(String itemId) {
    StringBuilder text = assistantText.remove(itemId);
    if (text != null && !text.isEmpty()) {
      store("assistant", itemId, text.toString());
    }
  }

  /** Stores every assistant answer still streaming, as far as it got. */
  void storeAllAssistantSoFar() {
    assistantText.keySet().stream().toList().forEach(this::storeAssistantSoFar);
  }

  /** Completes once the line is in the database. */
  Future<Void> store(String role, String itemId, String text) {
    Instant start = turnStarts.getOrDefault(itemId, clock.instant());
    turnStarts.remove(itemId);
    history.removeIf(l -> l.line().itemId().equals(itemId));
    history.add(new Line(start, new InterviewContext.TranscriptLine(role, itemId, text)));
    return transcripts.addDurable(
        new TranscriptItem(context.sessionId(), itemId, role, text, start));
  }

  /** Writes the lines still waiting in the batcher. */
  Future<Void> flush() {
    return transcripts.flush();
  }

  /**
   * The interview as a new provider starts from it: the time left, the conversation so far in
   * order.
   */
  InterviewContext contextNow() {
    long elapsed = Duration.between(openedAt, clock.instant()).toMillis();
    List<InterviewContext.TranscriptLine> lines =
        history.stream().sorted(Comparator.comparing(Line::at)).map(Line::line).toList();
    return new InterviewContext(
        context.sessionId(),
        context.userId(),
        context.problemTitle(),
        context.problemDescription(),
        context.difficulty(),
        context.language(),
        context.experienceLevel(),
        Math.max(0, context.remainingMs() - elapsed),
        lines);
  }

  private Instant startFor(String role) {
    return "user".equals(role) && lastSpeechStart != null ? lastSpeechStart : clock.instant();
  }
}
