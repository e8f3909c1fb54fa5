package dev.headroom.engine;

import dev.headroom.spot.SpotVm;
import dev.headroom.spot.SpotVmService;
import dev.headroom.spot.VmState;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The engine's {@link Fleet} on the Spot VM service, and the gateway's cloud target. */
public final class SpotFleet implements Fleet {
  private final SpotVmService spot;
  private final int backendPort;

  public SpotFleet(SpotVmService spot, int backendPort) {
    this.spot = spot;
    this.backendPort = backendPort;
  }

  /** The RUNNING VM's backend, {@code http://<external ip>:<gcp.backendPort>}: the gateway's cloud target. */
  public Optional<URI> backend() {
    return spot.runningVm().map(vm -> URI.create("http://" + vm.externalIp() + ":" + backendPort));
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
