package com.interviewroom.common.transcript;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How a candidate turn that was heard but not transcribed (the local interviewer has no speech
 * recognition) appears in the transcript: "(speech, 2.4 s — no transcription without a provider
 * key)". Such a line is a fact about timing, never words: the evaluator does not read it as
 * conversation. Older transcripts used "[candidate spoke 2.4 s]", recognised too.
 */
public final class SpeechLabel {
  private static final Pattern LABEL =
      Pattern.compile(
          "\\(speech, \\d+(\\.\\d+)? s — no transcription without a provider key\\)|\\[candidate spoke \\d+(\\.\\d+)? s]");

  private SpeechLabel() {}

  public static String format(long speechMs) {
    return String.format(
        Locale.ROOT,
        "(speech, %.1f s — no transcription without a provider key)",
        speechMs / 1000.0);
  }

  /** True for a label, false for real words (or blank text). */
  public static boolean isLabel(String text) {
    return text != null && LABEL.matcher(text.strip()).matches();
  }
}
