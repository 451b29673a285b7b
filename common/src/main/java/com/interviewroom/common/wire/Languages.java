package com.interviewroom.common.wire;

import java.util.List;

/**
 * The languages a candidate can write in. The problem bank, the REST API, the WebSocket frames and
 * the internal listener all accept exactly these; the sandbox runner has a harness for each.
 */
public final class Languages {
  public static final List<String> SUPPORTED = List.of("python", "javascript", "java");

  private Languages() {}
}
