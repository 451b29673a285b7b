package com.interviewroom.edge.health;

import io.vertx.core.Future;
import java.util.function.Supplier;

/** One thing readiness checks; {@code critical} ones turn the answer into 503 when down. */
public record Dependency(String name, boolean critical, Supplier<Future<?>> probe) {}
