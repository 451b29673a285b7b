package com.interviewroom.common.auth;

import com.interviewroom.common.http.Caller;
import java.util.UUID;

/** The caller of a request, after its token was verified. */
public record AuthUser(UUID id, String email, String issuer) implements Caller {}
