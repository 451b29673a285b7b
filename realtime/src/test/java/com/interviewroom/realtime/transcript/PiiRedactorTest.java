package com.interviewroom.realtime.transcript;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PiiRedactorTest {

  @DisplayName("emails, phone numbers and SSN-like numbers are redacted")
  @ParameterizedTest
  @ValueSource(
      strings = {
        "mail me at jane.doe+test@example.co.uk please",
        "call me on (555) 123-4567 tomorrow",
        "my number is 555-123-4567",
        "it is 555.123.4567",
        "reach me at +1 555 123 4567",
        "my UK mobile is +44 20 7946 0958",
        "my ssn is 123-45-6789 ok"
      })
  void redactsPii(String text) {
    String out = PiiRedactor.redact(text);
    assertThat(out).containsAnyOf("[email]", "[phone]", "[ssn]");
    assertThat(out).doesNotContainPattern("\\d{3}[-. ]\\d{4}");
    assertThat(out).doesNotContain("example.co.uk");
  }

  @DisplayName(
      "the shortest number the patterns match (+1 and two groups of two, five digits) is still redacted, and text with no '@' and too few digits comes back as the same object")
  @org.junit.jupiter.api.Test
  void shortcutKeepsTheShortestMatch() {
    assertThat(PiiRedactor.redact("dial +1 23 45 now")).isEqualTo("dial [phone] now");
    assertThat(PiiRedactor.redact("mail a@b.io or +1 23 45")).isEqualTo("mail [email] or [phone]");
    String plain = "I would use a hash map, two passes, O(n) time and 1 extra array";
    assertThat(PiiRedactor.redact(plain)).isSameAs(plain);
  }

  @DisplayName("technical talk with numbers and code passes through unchanged")
  @ParameterizedTest
  @ValueSource(
      strings = {
        "this runs in O(n log n) time and O(1) space",
        "n can be up to 10^9 so we need 64-bit ints",
        "use an epsilon of 1e-6 for the comparison",
        "the input [1, 2, 3, 4] should return [0, 1]",
        "nums = [2, 7, 11, 15], target = 9",
        "the server listens on port 8080 and the db on 5432",
        "let's meet at 12:30 and finish by 14:45",
        "take the result mod 1000000007",
        "the date was 2024-01-15 and the build 3.11.2",
        "dp[i][j] = dp[i-1][j-1] + 1 for i in range(1, 100)",
        "int[] a = new int[]{100, 200, 300, 4000};",
        "a timestamp like 1700000000123 in milliseconds",
        "coordinates (123, 456) and (7890, 1234)",
        "version 1.2.3-4567 of the library"
      })
  void keepsTechnicalNumbers(String text) {
    assertThat(PiiRedactor.redact(text)).isEqualTo(text);
  }
}
