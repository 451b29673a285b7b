package com.interviewroom.edge.context;

import com.interviewroom.common.auth.SigningKey;
import com.interviewroom.common.auth.TokenIssuer;
import com.interviewroom.common.auth.TokenVerifier;
import com.interviewroom.common.config.Config;
import com.interviewroom.common.storage.ObjectStore;
import com.interviewroom.schema.Database;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.redis.client.Redis;
import java.time.Clock;

/**
 * What the edge verticles are built from; created once by the launcher (or a test). A package of
 * its own, which uses no feature, so every feature can take it without a package cycle.
 */
public record EdgeContext(
    Config config,
    Database db,
    Redis redis,
    ObjectStore store,
    SigningKey signingKey,
    TokenIssuer issuer,
    TokenVerifier verifier,
    PrometheusMeterRegistry registry,
    Clock clock) {}
