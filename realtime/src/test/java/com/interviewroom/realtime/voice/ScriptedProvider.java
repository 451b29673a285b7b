package com.interviewroom.realtime.voice;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A provider double for bridge tests: connect results are scripted, calls are recorded, events are
 * pushed by the test.
 */
final class ScriptedProvider implements VoiceProvider {
  final String name;
  final Supplier<Future<Void>> onConnect;
  final List<String> calls = new CopyOnWriteArrayList<>();
  final List<ContextNote> notes = new CopyOnWriteArrayList<>();
  volatile InterviewContext context;
  volatile VoiceEvents events;

  ScriptedProvider(String name, Supplier<Future<Void>> onConnect) {
    this.name = name;
    this.onConnect = onConnect;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Future<Void> connect(InterviewContext context, VoiceEvents events) {
    this.context = context;
    this.events = events;
    calls.add("connect");
    return onConnect.get();
  }

  @Override
  public void sendAudio(Buffer pcm16At24k) {
    calls.add("audio");
  }

  @Override
  public void commit() {
    calls.add("commit");
  }

  @Override
  public void cancel(long playedMs) {
    calls.add("cancel:" + playedMs);
  }

  @Override
  public void inject(ContextNote note) {
    calls.add("inject");
    notes.add(note);
  }

  @Override
  public Future<Void> disconnect() {
    calls.add("disconnect");
    return Future.succeededFuture();
  }
}
