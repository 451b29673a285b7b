package com.interviewroom.realtime.worker;

import io.vertx.core.Future;

/**
 * What a consumer group does with one entry. Succeeds only once the effect is committed (then the
 * entry is acknowledged); fails to have it retried. Must be idempotent: an entry may be delivered
 * again after a crash between the effect and the XACK.
 */
@FunctionalInterface
public interface EntryHandler {
  Future<Void> handle(StreamEntry entry, String group);
}
