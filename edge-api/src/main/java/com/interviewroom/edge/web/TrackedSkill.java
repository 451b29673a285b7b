package com.interviewroom.edge.web;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.crypto.Hmac;
import com.interviewroom.common.http.Problems;
import com.interviewroom.edge.events.EventRecord;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Reads {@code X-Tracked-Skill-Id} on arrival, keeps only its keyed hash under {@link
 * EventRecord#TRACKED_SKILL_HASH} and removes the raw header from the request, so no later handler,
 * event row, storage write or log line can see the raw value.
 *
 * <p>The hash is HMAC-SHA-256 (hex) with a server secret, so a guessable id cannot be recovered
 * from the column ({@code events.tracked_skill_id_hash}) by hashing candidates. The key is {@code
 * TRACKED_SKILL_SECRET}, or, when unset, derived from {@code INTERNAL_WEBHOOK_SECRET} (HMAC of a
 * fixed label), which every node of a deployment shares; without either (only tests that set
 * neither) a random per-process key.
 */
public final class TrackedSkill implements Handler<RoutingContext> {
  public static final String HEADER = "X-Tracked-Skill-Id";
  public static final int MAX_LENGTH = 200;
  static final String DERIVATION_LABEL = "interviewroom tracked-skill-id hash key v1";

  private final String key;

  public TrackedSkill(String key) {
    this.key = key;
  }

  public static TrackedSkill create(Config config) {
    return new TrackedSkill(keyOf(config));
  }

  static String keyOf(Config config) {
    String explicit = config.auth().accounts().trackedSkillSecret();
    if (explicit != null) {
      return explicit;
    }
    if (config.internalWebhookSecret() != null) {
      return Hmac.sha256Hex(
          config.internalWebhookSecret(), "", DERIVATION_LABEL.getBytes(StandardCharsets.UTF_8));
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }

  /** What is stored for a raw id. */
  public String hash(String raw) {
    return Hmac.sha256Hex(key, "", raw.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void handle(RoutingContext ctx) {
    String raw = ctx.request().getHeader(HEADER);
    if (raw == null) {
      ctx.next();
      return;
    }
    ctx.request().headers().remove(HEADER);
    if (raw.isBlank() || raw.length() > MAX_LENGTH) {
      // The problem names the header, never echoes its value.
      ctx.fail(
          Problems.validation(
              new JsonArray()
                  .add(
                      new JsonObject()
                          .put("field", HEADER)
                          .put("message", "must be between 1 and " + MAX_LENGTH + " characters"))));
      return;
    }
    ctx.put(EventRecord.TRACKED_SKILL_HASH, hash(raw));
    ctx.next();
  }
}
