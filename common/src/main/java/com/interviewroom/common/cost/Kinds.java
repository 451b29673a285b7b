package com.interviewroom.common.cost;

import java.util.List;
import java.util.Map;

/**
 * The usage kinds each provider is priced by. The voice kinds follow the providers' own split of a
 * response's tokens (OpenAI Realtime's {@code input_token_details}/{@code output_token_details},
 * Gemini Live's {@code promptTokensDetails}/{@code responseTokensDetails} by modality); Anthropic's
 * follow its {@code Usage} (uncached input, cache writes, cache reads, output). OpenAI's input
 * transcription is priced by its own model, per token or per second of audio.
 */
public final class Kinds {
  public static final String TEXT_IN = "text_in";
  public static final String TEXT_IN_CACHED = "text_in_cached";
  public static final String AUDIO_IN = "audio_in";
  public static final String AUDIO_IN_CACHED = "audio_in_cached";
  public static final String TEXT_OUT = "text_out";
  public static final String AUDIO_OUT = "audio_out";
  public static final String INPUT = "input";
  public static final String CACHE_WRITE = "cache_write";
  public static final String CACHE_READ = "cache_read";
  public static final String OUTPUT = "output";
  public static final String CPU_SECONDS = "cpu_seconds";

  /**
   * Seconds of candidate audio a transcription model billed by duration (OpenAI's {@code
   * usage.type: "duration"}).
   */
  public static final String AUDIO_SECONDS = "audio_seconds";

  public static final List<String> VOICE =
      List.of(TEXT_IN, TEXT_IN_CACHED, AUDIO_IN, AUDIO_IN_CACHED, TEXT_OUT, AUDIO_OUT);
  public static final Map<String, List<String>> PROVIDERS =
      Map.of(
          "openai",
              List.of(
                  TEXT_IN,
                  TEXT_IN_CACHED,
                  AUDIO_IN,
                  AUDIO_IN_CACHED,
                  TEXT_OUT,
                  AUDIO_OUT,
                  AUDIO_SECONDS),
          "gemini", VOICE,
          "anthropic", List.of(INPUT, CACHE_WRITE, CACHE_READ, OUTPUT),
          "sandbox", List.of(CPU_SECONDS));

  private Kinds() {}
}
