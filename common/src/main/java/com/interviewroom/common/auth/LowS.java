package com.interviewroom.common.auth;

import java.math.BigInteger;

/**
 * ES256 (P-256) signatures in JOSE form, {@code R || S}, 32 bytes each. For every valid signature
 * {@code (R, S)} the pair {@code (R, n - S)} verifies too, so a token could be re-spelled without
 * the key. Our issuer only ever emits the low-S form ({@code S <= n/2}) and our verifier refuses
 * the other, so each token has exactly one valid spelling.
 */
final class LowS {
  /** The order n of the P-256 group. */
  static final BigInteger N =
      new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

  private static final BigInteger HALF_N = N.shiftRight(1);
  private static final int PART = 32;

  private LowS() {}

  static boolean isHighS(byte[] signature) {
    return signature.length != 2 * PART || s(signature).compareTo(HALF_N) > 0;
  }

  /** The same signature with {@code S} replaced by {@code n - S} when it was high. */
  static byte[] normalize(byte[] signature) {
    if (signature.length != 2 * PART) {
      throw new IllegalArgumentException("not a 64-byte ES256 signature");
    }
    BigInteger s = s(signature);
    if (s.compareTo(HALF_N) <= 0) {
      return signature;
    }
    byte[] low = N.subtract(s).toByteArray();
    byte[] out = signature.clone();
    java.util.Arrays.fill(out, PART, 2 * PART, (byte) 0);
    // toByteArray may carry a leading sign byte or be shorter than 32 bytes: right-align the
    // magnitude
    int copy = Math.min(low.length, PART);
    System.arraycopy(low, low.length - copy, out, 2 * PART - copy, copy);
    return out;
  }

  private static BigInteger s(byte[] signature) {
    return new BigInteger(1, java.util.Arrays.copyOfRange(signature, PART, 2 * PART));
  }
}
