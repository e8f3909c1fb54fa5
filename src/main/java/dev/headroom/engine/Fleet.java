package dev.headroom.engine;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What the engine needs of the Spot VM service (adapted from {@code spot.SpotVmService} by the composition root).
 *
 * <pre>{@code
 * Fleet fleet = ...;
 * if (fleet.activeOrPending() < max) fleet.create("memory at 91 % for 20 s");
 * }</pre>
 */
public interface Fleet {

  /** A VM that is up. */
  record RunningVm(String name, Instant runningSince, Instant maxLifetimeAt) {}

  boolean configured();

  /** VMs requested, provisioning or running. */
  int activeOrPending();

  /** When Headroom last asked for a VM, if ever. */
  Optional<Instant> lastCreateAt();

  /** Running VMs, for the reaper. */
  List<RunningVm> running();

  /** Asks for a VM; completes when it is running or failed. Must not block. */
  CompletableFuture<?> create(String reason);

  /** Deletes a VM; must not block. */
  CompletableFuture<?> terminate(String name, String reason);
}
