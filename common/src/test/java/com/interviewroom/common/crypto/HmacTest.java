package com.interviewroom.common.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HmacTest {

  @Test
  @DisplayName("HMAC-SHA256 of prefix + body matches RFC 4231 test case 2")
  void knownVector() {
    // "what do ya want for nothing?" split into the signed prefix and the raw body bytes
    String hex =
        Hmac.sha256Hex("Jefe", "what do ya ", "want for nothing?".getBytes(StandardCharsets.UTF_8));
    assertThat(hex).isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  @Test
  @DisplayName(
      "signatures match only when equal: another length, another digit or null never match")
  void matches() {
    String good = Hmac.sha256Hex("secret", "1700000000.", "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(Hmac.matches(good, good)).isTrue();
    assertThat(Hmac.matches(good, good.substring(0, 63))).isFalse();
    assertThat(Hmac.matches(good, good + "0")).isFalse();
    assertThat(Hmac.matches(good, (good.charAt(0) == 'a' ? "b" : "a") + good.substring(1)))
        .isFalse();
    assertThat(Hmac.matches(good, null)).isFalse();
    assertThat(Hmac.matches(null, good)).isFalse();
    assertThat(Hmac.sha256Hex("secret", "1700000001.", "{}".getBytes(StandardCharsets.UTF_8)))
        .isNotEqualTo(good);
  }
}
