package dev.headroom.engine;

import dev.headroom.gateway.Gateway;
import java.time.Instant;
import java.util.Optional;

/** The reaper's view of the gateway's cloud traffic. */
public final class GatewayTraffic implements Traffic {
  private final Gateway gateway;

  public GatewayTraffic(Gateway gateway) {
    this.gateway = gateway;
  }

  @Override
  public Optional<Instant> lastCloudTraffic() {
    return gateway.lastCloudTraffic();
  }

  @Override
  public long cloudInFlight() {
    return gateway.cloudInFlight();
  }
}
