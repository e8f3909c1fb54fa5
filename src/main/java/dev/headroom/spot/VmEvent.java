package dev.headroom.spot;

import java.time.Instant;

/** One entry of a VM's timeline: a transition or an attempt, with its reason. */
public record VmEvent(Instant time, String vmName, VmState state, String message) {}
