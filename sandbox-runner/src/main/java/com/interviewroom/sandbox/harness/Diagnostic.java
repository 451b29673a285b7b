package com.interviewroom.sandbox.harness;

/** One compiler or parser message; 1-based line and column, as editors show them. */
public record Diagnostic(int line, int column, String message, String severity) {}
