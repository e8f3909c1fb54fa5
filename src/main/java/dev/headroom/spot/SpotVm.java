package dev.headroom.spot;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A VM Headroom manages, as last known.
 *
 * @param externalIp the VM's external IP, empty until it has one
 * @param runningSince when it was first seen RUNNING
 * @param endedAt when it reached DELETED, PREEMPTED or FAILED
 * @param lastMessage the latest event's text (the failure reason for FAILED)
 */
public record SpotVm(
    String name,
    String zone,
    String machineType,
    VmState state,
    String externalIp,
    Instant requestedAt,
    Optional<Instant> runningSince,
    Optional<Instant> endedAt,
    Duration maxRunDuration,
    String sessionId,
    String lastMessage) {

  SpotVm with(VmState s, String message) {
    return new SpotVm(name, zone, machineType, s, externalIp, requestedAt, runningSince, endedAt, maxRunDuration,
        sessionId, message);
  }

  SpotVm running(Instant since, String ip) {
    return new SpotVm(name, zone, machineType, VmState.RUNNING, ip, requestedAt,
        Optional.of(runningSince.orElse(since)), endedAt, maxRunDuration, sessionId, lastMessage);
  }

  SpotVm ended(VmState s, Instant at, String message) {
    return new SpotVm(name, zone, machineType, s, externalIp, requestedAt, runningSince, Optional.of(at),
        maxRunDuration, sessionId, message);
  }

  SpotVm inZone(String z) {
    return new SpotVm(name, z, machineType, state, externalIp, requestedAt, runningSince, endedAt, maxRunDuration,
        sessionId, lastMessage);
  }

  /** Time running so far (zero before RUNNING; frozen once ended). */
  public Duration uptime(Instant now) {
    return runningSince.map(s -> Duration.between(s, endedAt.orElse(now))).orElse(Duration.ZERO);
  }

  /** When Compute Engine deletes it by itself (max run duration from its start). */
  public Instant maxLifetimeAt() {
    return runningSince.orElse(requestedAt).plus(maxRunDuration);
  }

  /** Time left before the max run duration (zero once passed or ended). */
  public Duration timeLeft(Instant now) {
    if (state.ended()) {
      return Duration.ZERO;
    }
    Duration left = Duration.between(now, maxLifetimeAt());
    return left.isNegative() ? Duration.ZERO : left;
  }
}
