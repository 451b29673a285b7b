package com.interviewroom.edge.user;

import com.interviewroom.common.http.ApiException;
import com.interviewroom.common.http.RequestIds;
import com.interviewroom.edge.auth.BearerAuth;
import com.interviewroom.edge.auth.Legal;
import com.interviewroom.edge.events.EventRecord;
import com.interviewroom.edge.web.Authenticated;
import com.interviewroom.edge.web.JsonInput;
import com.interviewroom.edge.web.NoInput;
import com.interviewroom.edge.web.QueryInput;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * {@code /api/users/profile} (GET, PATCH), {@code /api/users/data-export}, {@code DELETE
 * /api/users/data}.
 */
public final class UserRoutes {
  static final List<String> EXPERIENCE_LEVELS = List.of("junior", "mid", "senior", "staff");

  /** Client clocks drift; a terms acceptance a little in the future is still believable. */
  private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private final UserService service;

  public UserRoutes(UserService service) {
    this.service = service;
  }

  public void mount(Router router, Authenticated authenticated) {
    authenticated.route(router.get("/api/users/profile")).respond(this::profile);
    authenticated.route(router.patch("/api/users/profile")).respond(this::update);
    authenticated.route(router.get("/api/users/data-export")).respond(this::export);
    authenticated.route(router.delete("/api/users/data")).respond(this::delete);
  }

  private Future<JsonObject> profile(RoutingContext ctx) {
    NoInput.check(ctx);
    ctx.response().putHeader("Cache-Control", "no-store");
    return service.profile(BearerAuth.user(ctx).id());
  }

  private Future<JsonObject> update(RoutingContext ctx) {
    UUID userId = BearerAuth.user(ctx).id();
    QueryInput.of(ctx).finish();
    ProfileChanges changes = readChanges(JsonInput.of(ctx));
    ctx.response().putHeader("Cache-Control", "no-store");
    return service.update(
        userId, changes, EventRecord.of(ctx, userId, null, "profile.updated", null));
  }

  private Future<JsonObject> export(RoutingContext ctx) {
    NoInput.check(ctx);
    UUID userId = BearerAuth.user(ctx).id();
    ctx.response()
        .putHeader("Cache-Control", "no-store")
        .putHeader(
            "Content-Disposition", "attachment; filename=\"interviewroom-data-export.json\"");
    return service.export(userId, EventRecord.of(ctx, userId, null, "user.data_exported", null));
  }

  private Future<Void> delete(RoutingContext ctx) {
    NoInput.check(ctx);
    UUID userId = BearerAuth.user(ctx).id();
    // No user id and no tracked-skill hash: nothing in the audit row links back to the person.
    EventRecord anonymous =
        new EventRecord(RequestIds.of(ctx), null, null, null, "user.data_deleted", null, null);
    // respond() ends an empty result with no body, keeping this status
    return service.delete(userId, anonymous).onSuccess(done -> ctx.response().setStatusCode(204));
  }

  /**
   * Only the self-service fields; anything else (credits, subscriptionTier, ...) is an unknown
   * field.
   */
  static ProfileChanges readChanges(JsonInput in) {
    String displayName = in.optionalString("displayName", 1, 100);
    String experienceLevel = in.oneOf("experienceLevel", EXPERIENCE_LEVELS, false);
    List<String> companies = in.optionalStrings("targetCompanies", 20, 100);
    Boolean onboarding = in.optionalBoolean("onboardingCompleted");
    Boolean recordAudio = in.optionalBoolean("recordAudio");
    String termsVersion = in.optionalString("termsVersion", 1, 50);
    OffsetDateTime termsAcceptedAt = timestamp(in, "termsAcceptedAt");
    if (termsAcceptedAt != null && termsVersion == null && in.has("termsAcceptedAt")) {
      in.error("termsVersion", "is required with termsAcceptedAt");
    }
    if (termsVersion != null && termsAcceptedAt == null && !in.has("termsAcceptedAt")) {
      termsAcceptedAt = OffsetDateTime.now(ZoneOffset.UTC);
    }
    ProfileChanges changes =
        new ProfileChanges.Builder()
            .displayName(displayName == null ? null : displayName.strip())
            .experienceLevel(experienceLevel)
            .targetCompanies(
                companies == null
                    ? null
                    : companies.stream().map(String::strip).toArray(String[]::new))
            .onboardingCompleted(onboarding)
            .recordAudio(recordAudio)
            .termsVersion(termsVersion)
            .termsAcceptedAt(termsAcceptedAt)
            .build();
    in.finish();
    // only the current terms can be accepted (as at sign-up), checked after the field validation
    ApiException outdated = termsVersion == null ? null : Legal.outdatedTerms(termsVersion);
    if (outdated != null) {
      throw outdated;
    }
    if (changes.columns().isEmpty()) {
      throw com.interviewroom.common.http.Problems.badRequest(
          "empty_update", "Send at least one field to change.");
    }
    return changes;
  }

  private static OffsetDateTime timestamp(JsonInput in, String field) {
    return in.optionalTimestamp(field, OffsetDateTime.now(ZoneOffset.UTC).plus(CLOCK_SKEW));
  }
}
