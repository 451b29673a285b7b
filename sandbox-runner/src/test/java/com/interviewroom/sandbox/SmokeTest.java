package com.interviewroom.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void pythonHello() {
    JsonObject r = SandboxServer.shared().run(Requests.program("python", "print('hi')"));
    System.out.println(r.encodePrettily());
    r = SandboxServer.shared().run(Requests.function("python", Requests.PY_TWO_SUM, Requests.twoSum()));
    System.out.println(r.encodePrettily());
    r = SandboxServer.shared().run(Requests.function("javascript", Requests.JS_TWO_SUM, Requests.twoSum()));
    System.out.println(r.encodePrettily());
    r = SandboxServer.shared().run(Requests.function("java", Requests.JAVA_TWO_SUM, Requests.twoSum()));
    System.out.println(r.encodePrettily());
    assertThat(r.getString("verdict")).isEqualTo("accepted");
  }
}
