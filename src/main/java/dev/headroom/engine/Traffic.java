package dev.headroom.engine;

import java.time.Instant;
import java.util.Optional;

/** What the reaper needs of the gateway: when traffic last went to the cloud, and whether any is in flight. */
public interface Traffic {
  Optional<Instant> lastCloudTraffic();

  long cloudInFlight();
}
