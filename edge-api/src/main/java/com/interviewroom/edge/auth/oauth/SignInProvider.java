package com.interviewroom.edge.auth.oauth;

import com.interviewroom.edge.auth.ProviderIdentity;
import io.vertx.core.Future;

/**
 * One "Continue with ..." provider: where to send the browser, and what its callback's code proves.
 * Every failure is a {@link com.interviewroom.edge.auth.SignInRefused}.
 */
interface SignInProvider {
  /** {@code google} or {@code github}: the path segment of the start and callback URLs. */
  String name();

  /** The provider's authorization URL for this flow (PKCE S256 over {@code verifier}). */
  Future<String> authorizeUrl(String state, String nonce, String verifier, String redirectUri);

  /** Exchanges {@code code} (with the flow's verifier) and returns the verified identity. */
  Future<ProviderIdentity> identify(String code, PendingFlows.Flow flow, String redirectUri);
}
