package com.interviewroom.common.http;

import java.util.UUID;

/**
 * The authenticated caller a request carries in its context ({@code AuthUser}), as far as {@link
 * ProblemHandler} needs it: the id it tags error reports with. An interface here, so the HTTP
 * package needs nothing of the auth package that depends on it.
 */
public interface Caller {
  UUID id();
}
