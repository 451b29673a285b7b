package com.interviewroom.sandbox.harness;

/** One test's outcome as the in-sandbox harness reported it; {@code actual} is decoded JSON. */
public record HarnessRecord(
    String id, boolean ok, Object actual, String kind, String error, double durationMs) {}
