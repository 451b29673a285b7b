package com.interviewroom.realtime.voice;

import com.interviewroom.realtime.audio.Pcm16;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What the candidate has heard of the interviewer's answer, for barge-in: the assistant item whose
 * audio was relayed last, from when and how much of it, so speech over it can be told apart from
 * speech after it, and its text cut to what was actually played. Items interrupted lately are
 * remembered, so their late audio and transcripts are dropped. Event loop only.
 */
final class HeardAudio {
  /**
   * Roughly how fast interviewers speak; maps played audio to the part of the text actually heard.
   */
  static final double CHARS_PER_SECOND = 15;

  private final Clock clock;

  /**
   * The assistant item whose audio was relayed last. It is kept after {@code response.done}:
   * providers finish sending long before the client finishes playing, and speech until {@code
   * firstSentAt + sentBytes} of audio is still a barge-in.
   */
  private String speakingItem;

  private Instant firstSentAt;
  private long sentBytes;

  /** The provider is still producing {@link #speakingItem} (no {@code response.done} yet). */
  private boolean streaming;

  /**
   * The last assistant final, so a barge-in after it can still cut the stored text to what was
   * heard.
   */
  private String finalItem;

  private String finalText;
  private final Set<String> cancelledItems = new LinkedHashSet<>();

  HeardAudio(Clock clock) {
    this.clock = clock;
  }

  /** Whether {@code itemId} is the item whose audio is being relayed. */
  boolean relaying(String itemId) {
    return itemId.equals(speakingItem);
  }

  /** The first audio of a new assistant item: its playback starts now, which is returned. */
  Instant started(String itemId) {
    speakingItem = itemId;
    firstSentAt = clock.instant();
    sentBytes = 0;
    streaming = true;
    return firstSentAt;
  }

  /** Audio of the current item went to the client. */
  void sent(int bytes) {
    sentBytes += bytes;
  }

  /**
   * The provider finished {@code itemId} (null: whatever it was producing); the client may still be
   * playing it.
   */
  void responseDone(String itemId) {
    if (itemId == null || itemId.equals(speakingItem)) {
      streaming = false; // the item stays: the client may still be playing it
    }
  }

  /** The assistant's final text of {@code itemId}. */
  void finalText(String itemId, String text) {
    finalItem = itemId;
    finalText = text;
  }

  /** The item being played, null when none. */
  String speakingItem() {
    return speakingItem;
  }

  /** The final text of {@code itemId} when it is the last assistant final, else null. */
  String finalTextOf(String itemId) {
    return itemId.equals(finalItem) ? finalText : null;
  }

  /**
   * Assistant audio is still coming in, or the client is still playing what it got (from its first
   * byte on).
   */
  boolean playing() {
    if (speakingItem == null) {
      return false;
    }
    return streaming
        || clock.instant().isBefore(firstSentAt.plusMillis(Pcm16.millisAt24k(sentBytes)));
  }

  /**
   * What the client has played of {@link #speakingItem}: never more than was sent, nor than the
   * time since its first byte.
   */
  long playedMs() {
    long sinceFirst = Math.max(0, Duration.between(firstSentAt, clock.instant()).toMillis());
    return Math.min(Pcm16.millisAt24k(sentBytes), sinceFirst);
  }

  /** The words a listener heard after {@code playedMs} of audio, cut at a word boundary. */
  static String truncate(String text, long playedMs) {
    int chars = (int) Math.min(text.length(), Math.round(playedMs / 1000.0 * CHARS_PER_SECOND));
    if (chars >= text.length()) {
      return text;
    }
    int cut = text.lastIndexOf(' ', chars);
    return (cut <= 0 ? "" : text.substring(0, cut)).strip();
  }

  /**
   * The answer is over for the client (interrupted, or its provider dropped): nothing is playing.
   */
  void endResponse() {
    speakingItem = null;
    firstSentAt = null;
    sentBytes = 0;
    streaming = false;
    finalItem = null;
    finalText = null;
  }

  /**
   * Whether an item was interrupted. Asked for every audio chunk, whose item id is a fresh String:
   * with nothing interrupted (the usual case) its hash is not computed at all.
   */
  boolean cancelled(String itemId) {
    return !cancelledItems.isEmpty() && cancelledItems.contains(itemId);
  }

  void rememberCancelled(String itemId) {
    cancelledItems.add(itemId);
    if (cancelledItems.size() > 32) {
      cancelledItems.remove(cancelledItems.iterator().next());
    }
  }
}
