package com.interviewroom.sandbox;

import com.interviewroom.sandbox.harness.Diagnostic;
import java.util.List;

public record CheckResult(boolean ok, List<Diagnostic> diagnostics) {}
