package com.interviewroom.realtime.gateway;

import com.interviewroom.realtime.session.LiveSession;

/** A handshake that passed every check: the session it opens and the request id its logs carry. */
record Admission(LiveSession session, String requestId) {}
