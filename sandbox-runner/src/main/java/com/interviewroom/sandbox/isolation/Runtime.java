package com.interviewroom.sandbox.isolation;

import java.nio.file.Path;
import java.util.List;

/**
 * One installed language runtime as the sandbox sees it.
 *
 * @param executable the interpreter or {@code java} launcher, by real path
 * @param home for Java, the JDK directory ({@code bin/javac} lives there); otherwise the
 *     executable's dir
 * @param readOnlyPaths what is bound read-only into the sandbox for this runtime, nothing more
 * @param source where it came from, e.g. "local /usr/bin/python3.11" (the container image pins its
 *     own)
 */
public record Runtime(
    String language,
    String version,
    Path executable,
    Path home,
    List<Path> readOnlyPaths,
    String source) {}
