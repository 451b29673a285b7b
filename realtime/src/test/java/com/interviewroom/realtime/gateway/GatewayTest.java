package com.interviewroom.realtime.gateway;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The setup the single-node gateway tests share: per test class, a {@link Fixture} with one gateway
 * of default settings whose interviewer echoes once. Test classes run one at a time in a fork, so
 * the static fields are the running class's.
 */
abstract class GatewayTest {
  static Fixture fixture;
  static Fixture.Node node;
  static EchoVoice voice;

  @BeforeAll
  static void startGateway() {
    fixture = new Fixture();
    voice = new EchoVoice(1);
    node = fixture.node(GatewaySettings.defaults(), voice);
  }

  @AfterAll
  static void closeFixture() {
    fixture.close();
  }
}
