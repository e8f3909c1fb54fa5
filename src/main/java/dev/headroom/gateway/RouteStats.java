package dev.headroom.gateway;

import java.time.Instant;
import java.util.Optional;

/**
 * One route's counters, as of a moment.
 *
 * @param target where the route would send a request now
 */
public record RouteStats(
    String name,
    String pathPrefix,
    Policy policy,
    String kind,
    String localUrl,
    Target target,
    long requests,
    long errors,
    long local,
    long cloud,
    long bytesOut,
    Optional<Instant> lastRequest) {}
