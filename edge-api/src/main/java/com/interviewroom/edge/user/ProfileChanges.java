package com.interviewroom.edge.user;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The self-service profile columns a PATCH changes, column name to value. Only these columns can
 * ever appear: credits, tier and Stripe ids are not settable by the user (and app_user has no
 * grant).
 */
record ProfileChanges(Map<String, Object> columns) {
  static final class Builder {
    private final Map<String, Object> columns = new LinkedHashMap<>();

    Builder displayName(String value) {
      return put("display_name", value);
    }

    Builder experienceLevel(String value) {
      return put("experience_level", value);
    }

    Builder targetCompanies(String[] value) {
      return put("target_companies", value);
    }

    Builder onboardingCompleted(Boolean value) {
      return put("onboarding_completed", value);
    }

    Builder termsAcceptedAt(java.time.OffsetDateTime value) {
      return put("terms_accepted_at", value);
    }

    Builder termsVersion(String value) {
      return put("terms_version", value);
    }

    Builder recordAudio(Boolean value) {
      return put("record_audio", value);
    }

    private Builder put(String column, Object value) {
      if (value != null) {
        columns.put(column, value);
      }
      return this;
    }

    ProfileChanges build() {
      return new ProfileChanges(
          java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns)));
    }
  }
}
