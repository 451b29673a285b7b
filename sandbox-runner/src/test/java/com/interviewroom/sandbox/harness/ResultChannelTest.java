package com.interviewroom.sandbox.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ResultChannelTest {
  private static final String NONCE = "n0nce";

  private static String frame(String nonce, String json) {
    return nonce + " " + json.getBytes(StandardCharsets.UTF_8).length + "\n" + json + "\n";
  }

  private static ResultChannel.Parsed parse(String data) {
    return ResultChannel.parse(data.getBytes(StandardCharsets.UTF_8), NONCE, List.of("a", "b"));
  }

  @Test
  @DisplayName("a complete channel with this run's nonce is intact")
  void intact() {
    var parsed =
        parse(
            frame(NONCE, "{\"id\":\"a\",\"ok\":true,\"actual\":[1],\"ms\":1}")
                + frame(NONCE, "{\"id\":\"b\",\"ok\":false,\"error\":\"boom\",\"ms\":2}")
                + frame(NONCE, "{\"done\":2}"));
    assertThat(parsed.intact()).isTrue();
    assertThat(parsed.records()).hasSize(2);
    assertThat(parsed.records().get(1).error()).isEqualTo("boom");
  }

  @Test
  @DisplayName("no done record (an early exit) is not intact")
  void earlyExit() {
    assertThat(parse(frame(NONCE, "{\"id\":\"a\",\"ok\":true,\"actual\":1}")).intact()).isFalse();
  }

  @Test
  @DisplayName("a wrong nonce, a torn frame, a wrong id or a wrong count is not intact")
  void forgeries() {
    assertThat(
            parse(frame("guess", "{\"id\":\"a\",\"ok\":true}") + frame(NONCE, "{\"done\":2}"))
                .intact())
        .isFalse();
    assertThat(parse(NONCE + " 500\n{\"id\":\"a\"}\n").intact()).isFalse();
    assertThat(
            parse(
                    frame(NONCE, "{\"id\":\"b\",\"ok\":true}")
                        + frame(NONCE, "{\"id\":\"a\",\"ok\":true}")
                        + frame(NONCE, "{\"done\":2}"))
                .intact())
        .isFalse();
    assertThat(parse(frame(NONCE, "{\"done\":0}")).intact()).isFalse();
    String complete =
        frame(NONCE, "{\"id\":\"a\",\"ok\":true}")
            + frame(NONCE, "{\"id\":\"b\",\"ok\":true}")
            + frame(NONCE, "{\"done\":2}");
    assertThat(parse(complete + "trailing").intact()).isFalse();
  }
}
