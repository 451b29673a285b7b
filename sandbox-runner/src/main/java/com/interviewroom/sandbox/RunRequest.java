package com.interviewroom.sandbox;

import java.util.List;

/** One execution. {@code problem} is null for a plain program run (stdin in, stdout out). */
public record RunRequest(
    Language language, String code, boolean submit, Problem problem, String stdin) {

  public record Problem(Signature function, String compare, List<TestCase> tests) {}

  public record Signature(String name, List<Param> params, String returns) {}

  public record Param(String name, String type) {}

  /**
   * @param input parameter name to JSON value; @param expected stays in the runner, never in the
   *     sandbox
   */
  public record TestCase(String id, Object input, Object expected, boolean hidden) {}
}
