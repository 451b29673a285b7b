package com.interviewroom.edge.session;

/** A validated {@code POST /api/sessions/start} body: a problem by slug, or a random one by filters. */
public record StartRequest(String problemSlug, String difficulty, String category, String language) {}
