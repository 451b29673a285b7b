package com.interviewroom.edge.user;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.interviewroom.common.http.Problems;
import com.interviewroom.edge.auth.TokenRevocations;
import com.interviewroom.edge.events.EventLog;
import com.interviewroom.edge.events.EventRecord;
import com.interviewroom.edge.ratelimit.RateLimiter;
import com.interviewroom.edge.recording.RecordingLinks;
import com.interviewroom.edge.recording.RecordingRepository;
import com.interviewroom.schema.Database;
import com.interviewroom.session.signal.SessionKeys;
import com.interviewroom.session.signal.SessionSignals;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Profile reads and edits, data export and account deletion; each change logs an event in its
 * transaction.
 */
public final class UserService {
  private static final Logger log = LoggerFactory.getLogger(UserService.class);

  private final Database db;
  private final Redis redis;
  private final RateLimiter limits;
  private final TokenRevocations revocations;
  private final RecordingLinks recordings;

  public UserService(
      Database db,
      Redis redis,
      RateLimiter limits,
      TokenRevocations revocations,
      RecordingLinks recordings) {
    this.db = db;
    this.redis = redis;
    this.limits = limits;
    this.revocations = revocations;
    this.recordings = recordings;
  }

  public Future<JsonObject> profile(UUID userId) {
    return db.asUser(userId, sql -> AccountDataRepository.profile(sql, userId))
        .map(UserService::found);
  }

  /**
   * The event names the changed fields only, never their values (a display name is personal data).
   */
  public Future<JsonObject> update(UUID userId, ProfileChanges changes, EventRecord event) {
    JsonObject payload =
        new JsonObject().put("fields", new JsonArray(changes.columns().keySet().stream().toList()));
    return db.asUser(
            userId,
            sql ->
                AccountDataRepository.update(sql, userId, changes)
                    .compose(done -> EventLog.append(sql, withPayload(event, payload)))
                    .compose(done -> AccountDataRepository.profile(sql, userId)))
        .map(UserService::found);
  }

  /**
   * Everything stored about the user, with each recording's chunks as presigned links (10 minutes).
   */
  public Future<JsonObject> export(UUID userId, EventRecord event) {
    return db.asUser(
        userId,
        sql ->
            EventLog.append(sql, event)
                .compose(done -> AccountDataRepository.export(sql))
                .compose(
                    export ->
                        RecordingRepository.all(sql)
                            .map(
                                stored -> {
                                  JsonArray links = new JsonArray();
                                  stored.forEach(
                                      recording -> links.add(recordings.toJson(recording)));
                                  return export.put("recordings", links);
                                })));
  }

  /**
   * A soft delete, idempotent (a repeat still answers 204 and keeps the first deletion time). First
   * every access token of the user is revoked ({@link TokenRevocations}), so no request with one
   * gets through once the deletion is answered (if Redis cannot record it, the deletion fails and
   * nothing changes); then, in one transaction, the account is stamped {@code deleted_at} and its
   * refresh tokens are revoked. Its rows stay, reachable by nobody, until either a login with the
   * password within {@code ACCOUNT_RESTORE_DAYS} restores the account or the retention job purges
   * it with its objects. After the commit, the user's Redis keys go (rate-limit counters, the
   * auto-snapshot windows of their sessions); they expire within a minute anyway, so a Redis
   * failure there is logged, not turned into an error for a deletion that is already done. The
   * sockets of the user's live sessions close at once: each gets the end signal on its session's
   * control channel, wherever its node is (as a REST end does).
   */
  public Future<Void> delete(UUID userId, EventRecord anonymousEvent) {
    return revocations
        .revokeAll(userId)
        .compose(
            revoked ->
                db.asUser(
                    userId,
                    sql ->
                        AccountDataRepository.sessionIds(sql, userId)
                            .compose(
                                sessions ->
                                    AccountDataRepository.liveSessionIds(sql, userId)
                                        .compose(
                                            live ->
                                                AccountDataRepository.becomeService(sql)
                                                    .compose(
                                                        done ->
                                                            AccountDataRepository.softDelete(
                                                                sql, userId))
                                                    .compose(
                                                        deleted ->
                                                            AccountDataRepository
                                                                .revokeRefreshTokens(sql, userId))
                                                    .compose(
                                                        done ->
                                                            EventLog.append(sql, anonymousEvent))
                                                    .map(new Sessions(sessions, live))))))
        .compose(
            sessions ->
                Future.join(
                        endLiveSockets(sessions.live(), anonymousEvent.requestId()),
                        forgetRedisKeys(userId, sessions.all(), anonymousEvent.requestId()))
                    .<Void>mapEmpty());
  }

  private record Sessions(List<UUID> all, List<UUID> live) {}

  /** The reason the socket gives in {@code session.ended} and the session's end reason. */
  static final String ACCOUNT_DELETED = "account_deleted";

  private Future<Void> endLiveSockets(List<UUID> live, String requestId) {
    return Future.join(
            live.stream()
                .map(sessionId -> SessionSignals.publishEnd(redis, sessionId, ACCOUNT_DELETED))
                .toList())
        .<Void>mapEmpty()
        .recover(
            failure -> {
              log.warn(
                  "account deleted, the end signal did not reach every live socket {} {}",
                  kv("requestId", requestId),
                  kv("error", String.valueOf(failure.getMessage())));
              return Future.succeededFuture();
            });
  }

  private Future<Void> forgetRedisKeys(UUID userId, List<UUID> sessions, String requestId) {
    Future<Long> windows =
        sessions.isEmpty()
            ? Future.succeededFuture(0L)
            : redis
                .send(
                    Request.cmd(
                        Command.UNLINK,
                        sessions.stream().map(SessionKeys::restAutoSnapshotWindow).toArray()))
                .map(Response::toLong);
    return Future.all(limits.forget(userId), windows)
        .<Void>mapEmpty()
        .recover(
            failure -> {
              log.warn(
                  "account deleted, its Redis keys were not all removed {} {}",
                  kv("requestId", requestId),
                  kv("error", String.valueOf(failure.getMessage())));
              return Future.succeededFuture();
            });
  }

  private static EventRecord withPayload(EventRecord event, JsonObject payload) {
    return new EventRecord(
        event.requestId(),
        event.userId(),
        event.sessionId(),
        event.groupId(),
        event.kind(),
        event.trackedSkillIdHash(),
        payload);
  }

  private static JsonObject found(JsonObject profile) {
    if (profile == null) {
      throw Problems.notFound("This account no longer exists.");
    }
    return profile;
  }
}
