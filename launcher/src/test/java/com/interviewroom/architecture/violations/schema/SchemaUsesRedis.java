package com.interviewroom.architecture.violations.schema;

import io.vertx.redis.client.Redis;

/** A schema class that publishes on Redis. */
public final class SchemaUsesRedis {
  private final Redis redis;

  public SchemaUsesRedis(Redis redis) {
    this.redis = redis;
  }

  public Redis redis() {
    return redis;
  }
}
