package com.interviewroom.edge.auth;

/**
 * A person as a sign-in provider vouched for them: {@code provider} ({@code google}, {@code
 * github}), the provider's stable {@code subject}, and an email the provider says is verified
 * (already normalised). Only built once every check of the provider's answer passed.
 */
public record ProviderIdentity(String provider, String subject, String email, String name) {}
