package com.interviewroom.realtime.voice;

/** Where a provider delivers its events; called on the connection's event loop. */
@FunctionalInterface
public interface VoiceEvents {
  void on(VoiceEvent event);
}
