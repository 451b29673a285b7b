package com.interviewroom.common.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens whose signature, issuer and audience already passed, keyed by audience and the exact token
 * text, so a changed byte is a miss. Bounded: when full it starts over rather than tracking
 * recency, which costs one signature check per live token and keeps the code obvious. A key removed
 * from an issuer's key set keeps its already-verified tokens valid until they expire (minutes).
 */
final class VerifiedTokenCache {
  static final int MAX_ENTRIES = 10_000;

  private final Map<String, VerifiedToken> tokens = new ConcurrentHashMap<>();

  VerifiedToken get(String audience, String token) {
    return tokens.get(key(audience, token));
  }

  VerifiedToken remember(String audience, String token, VerifiedToken verified) {
    if (tokens.size() >= MAX_ENTRIES) {
      tokens.clear();
    }
    tokens.put(key(audience, token), verified);
    return verified;
  }

  private static String key(String audience, String token) {
    return audience + ' ' + token;
  }
}
