package com.interviewroom.architecture.violations.session.model;

import io.vertx.core.json.JsonObject;

/** A session model type that knows the wire format. */
public record ModelUsesVertx(JsonObject body) {}
