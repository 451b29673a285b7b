package com.interviewroom.sandbox.isolation;

import java.nio.file.Path;

/**
 * One execution lane. Runs in different slots never share a host uid or a work directory, so one
 * candidate can neither signal nor read another's processes and files.
 *
 * @param uid the unprivileged host uid (and gid) every process of this slot runs as
 * @param workDir the slot's work directory (a size-capped tmpfs when the runner may mount one)
 */
public record Slot(int index, int uid, Path workDir) {}
