package dev.headroom.engine;

import dev.headroom.spot.SpotVm;
import dev.headroom.spot.SpotVmService;
import dev.headroom.spot.VmState;
import dev.headroom.tunnel.TunnelManager;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The engine's {@link Fleet} on the Spot VM service, and the gateway's cloud target. */
public final class SpotFleet implements Fleet {
  private final SpotVmService spot;
  private final TunnelManager tunnels;

  public SpotFleet(SpotVmService spot, TunnelManager tunnels) {
    this.spot = spot;
    this.tunnels = tunnels;
  }

  /**
   * The gateway's cloud target: the loopback end of the SSH tunnel to the newest RUNNING VM's backend
   * ({@code http://127.0.0.1:<tunnel port>}), never the VM's external IP; empty while no tunnel is up.
   */
  public Optional<URI> backend() {
    return tunnels.backend();
  }

  @Override
  public boolean configured() {
    return spot.notConnectedReason().isEmpty();
  }

  @Override
  public int activeOrPending() {
    return spot.activeOrPending();
  }

  @Override
  public Optional<Instant> lastCreateAt() {
    return spot.lastCreateAt();
  }

  @Override
  public List<RunningVm> running() {
    return spot.vms().stream().filter(v -> v.state() == VmState.RUNNING)
        .map(v -> new RunningVm(v.name(), v.runningSince().orElse(v.requestedAt()), v.maxLifetimeAt()))
        .toList();
  }

  @Override
  public CompletableFuture<SpotVm> create(String reason) {
    return spot.create(reason);
  }

  @Override
  public CompletableFuture<SpotVm> terminate(String name, String reason) {
    return spot.terminate(name, reason);
  }
}
