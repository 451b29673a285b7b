package com.interviewroom.schema.console;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * A failure the detector found: of which session, what kind, when (ms since the epoch) and the
 * evidence.
 */
public record Detection(UUID sessionId, FailureKind kind, long atMs, JsonObject evidence) {}
