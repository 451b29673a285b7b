package com.interviewroom.edge.auth;

import static com.interviewroom.edge.EdgeServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.edge.EdgeTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 21.13: exactly {@code Bearer <three canonical base64url parts>}, and only low-S ES256
 * signatures.
 */
class StrictBearerTest extends EdgeTest {
  private static final BigInteger P256_ORDER =
      new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

  private static int me(String authorization) {
    HttpResponse<Buffer> response =
        await(server.client.get("/api/me").putHeader("Authorization", authorization).send());
    if (response.statusCode() == 401) {
      assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
    }
    return response.statusCode();
  }

  @Test
  // (trailing spaces never reach us: HTTP strips optional whitespace around a header value)
  @DisplayName(
      "a valid token passes; the same token with trailing characters, padding, % or spaces inserted, or a fourth part is 401")
  void respelledTokensRefused() {
    String token = server.signup().getString("accessToken");
    assertThat(me("Bearer " + token)).isEqualTo(200);
    assertThat(me("bearer " + token))
        .as("the scheme is case-insensitive (RFC 9110)")
        .isEqualTo(200);
    String[] parts = token.split("\\.");
    String[] respelled = {
      "Bearer " + token + "!!!!",
      "Bearer " + token + "==",
      "Bearer  " + token,
      "Bearer " + parts[0] + ".%" + parts[1] + "." + parts[2],
      "Bearer "
          + parts[0]
          + "."
          + parts[1].substring(0, 10)
          + " "
          + parts[1].substring(10)
          + "."
          + parts[2],
      "Bearer " + parts[0] + "=." + parts[1] + "." + parts[2],
      "Bearer " + token + ".",
      "Bearer " + token + "." + parts[2],
      "Bearer\t" + token,
    };
    for (String header : respelled) {
      assertThat(me(header)).as(header).isEqualTo(401);
    }
  }

  @Test
  @DisplayName("non-canonical base64url (unused trailing bits set) in the signature is refused")
  void nonCanonicalBase64Refused() {
    String token = server.signup().getString("accessToken");
    String[] parts = token.split("\\.");
    // a 64-byte signature is 86 characters: the last one carries 4 unused bits
    String signature = parts[2];
    char last = signature.charAt(signature.length() - 1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char twin = alphabet.charAt(alphabet.indexOf(last) | 1);
    assertThat(twin).isNotEqualTo(last);
    assertThat(Base64.getUrlDecoder().decode(signature.substring(0, 85) + twin))
        .as("Java's decoder alone accepts the twin")
        .isEqualTo(Base64.getUrlDecoder().decode(signature));
    assertThat(me("Bearer " + parts[0] + "." + parts[1] + "." + signature.substring(0, 85) + twin))
        .isEqualTo(401);
  }

  @Test
  @DisplayName(
      "our tokens are low-S; the high-S twin of a valid signature (it verifies mathematically) is refused")
  void highSRefused() {
    for (int i = 0; i < 4; i++) {
      String token = server.signup().getString("accessToken");
      String[] parts = token.split("\\.");
      byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
      BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
      assertThat(s).as("issued low-S").isLessThanOrEqualTo(P256_ORDER.shiftRight(1));
      byte[] high = signature.clone();
      byte[] twin = P256_ORDER.subtract(s).toByteArray();
      Arrays.fill(high, 32, 64, (byte) 0);
      int copy = Math.min(twin.length, 32);
      System.arraycopy(twin, twin.length - copy, high, 64 - copy, copy);
      String highToken =
          parts[0]
              + "."
              + parts[1]
              + "."
              + Base64.getUrlEncoder().withoutPadding().encodeToString(high);
      assertThat(me("Bearer " + highToken)).isEqualTo(401);
      assertThat(me("Bearer " + token)).isEqualTo(200);
    }
  }
}
