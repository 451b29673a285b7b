package com.interviewroom.realtime.gateway;

import com.interviewroom.common.events.EventStream;
import com.interviewroom.realtime.code.SnapshotWriter;
import com.interviewroom.realtime.recording.Recorders;
import com.interviewroom.realtime.session.LiveSessionRepository;
import com.interviewroom.realtime.timer.Deadlines;
import com.interviewroom.realtime.voice.VoiceSessionFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;

/** What every connection of one gateway shares. */
record GatewayParts(
    Vertx vertx,
    Redis redis,
    LiveSessionRepository sessions,
    SnapshotWriter snapshots,
    Deadlines deadlines,
    EventStream events,
    VoiceSessionFactory voices,
    MeterRegistry meters,
    Clock clock,
    GatewaySettings settings,
    AtomicInteger liveTimers,
    Recorders recorders) {}
