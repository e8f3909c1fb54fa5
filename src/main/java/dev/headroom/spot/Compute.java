package dev.headroom.spot;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The Compute Engine operations Headroom needs, free of Google client types. {@link GceCompute} is the real one.
 * Calls block (each REST call up to its deadline, an insert or delete until its zone operation is DONE or the
 * operation limit passes), so run them on the cloud executor, never on the UI thread or the tick pool. Failures are
 * {@link ComputeException}s whose {@link ComputeException#kind()} says whether another zone may help
 * (STOCKOUT, QUOTA) or the same request may be sent again (TRANSIENT).
 *
 * <pre>{@code
 * Compute compute = GceCompute.connect(settings.gcp(), GceCompute.Polling.DEFAULT);
 * compute.create(new Compute.VmSpec("headroom-1", "us-central1-a", "e2-highmem-4", "debian-cloud", "debian-12",
 *     20, "pd-balanced", Duration.ofHours(3), Map.of("managed-by", "headroom"), script,
 *     Map.of("headroom-backend-port", "8080"), "global/networks/default"), UUID.randomUUID().toString());
 * compute.get("us-central1-a", "headroom-1").ifPresent(i -> System.out.println(i.status()));
 * compute.delete("us-central1-a", "headroom-1", UUID.randomUUID().toString());
 * }</pre>
 */
public interface Compute extends AutoCloseable {

  /**
   * What to create: a Spot VM that deletes itself at {@code maxRunDuration}.
   *
   * @param metadata instance metadata items besides the startup script (read by it, e.g. the backend port)
   */
  record VmSpec(
      String name,
      String zone,
      String machineType,
      String imageProject,
      String imageFamily,
      int diskSizeGb,
      String diskType,
      Duration maxRunDuration,
      Map<String, String> labels,
      String startupScript,
      Map<String, String> metadata,
      String network) {}

  /**
   * An instance as Compute Engine reports it.
   *
   * @param machineType the short name ({@code e2-highmem-4}), empty if unknown
   * @param status PROVISIONING, STAGING, RUNNING, STOPPING, STOPPED, SUSPENDING, SUSPENDED, TERMINATED, ...
   * @param externalIp the one-to-one NAT address, empty if none
   * @param startedAt when it last started ({@code lastStartTimestamp}), if it has
   * @param maxRunDuration the instance's own scheduling limit, if it has one
   * @param stoppedAt when it last stopped ({@code lastStopTimestamp}): a preempted VM still STOPPING or TERMINATED
   *     has it
   */
  record Instance(String name, String zone, String machineType, String status, String externalIp,
      Map<String, String> labels, Optional<Instant> startedAt, Optional<Duration> maxRunDuration,
      Optional<Instant> stoppedAt) {}

  /**
   * Inserts the instance and waits for the zone operation; an operation DONE with errors throws, classified from
   * its own {@code error.errors[]}. Sending the same {@code requestId} again is safe: Compute Engine answers with the
   * first request's operation instead of creating a second instance (retry a TRANSIENT failure that way).
   */
  void create(VmSpec spec, String requestId);

  /** The instance, or empty when it does not exist. */
  Optional<Instance> get(String zone, String name);

  /** Instances in {@code zones} carrying {@code labelKey=labelValue} (all pages). */
  List<Instance> list(List<String> zones, String labelKey, String labelValue);

  /**
   * Deletes and waits; an instance that is already gone (404) counts as deleted. The same {@code requestId} may be
   * sent again after a TRANSIENT failure.
   */
  void delete(String zone, String name, String requestId);

  /** {@link #delete(String, String, String)} with a fresh requestId. */
  default void delete(String zone, String name) {
    delete(zone, name, UUID.randomUUID().toString());
  }

  /**
   * When Compute Engine preempted the instance: the end of the latest zone operation of type
   * {@code compute.instances.preempted} that targets it. Empty when there is none (not preempted, or the operation
   * has aged out).
   */
  Optional<Instant> preemptedAt(String zone, String name);

  /** One guest attribute the VM's guest environment published ({@code hostkeys/ssh-ed25519 = AAAA...}). */
  record GuestAttribute(String namespace, String key, String value) {}

  /**
   * The guest attributes under {@code queryPath} ({@code hostkeys/}); empty while the guest has not published that
   * path yet (Compute Engine answers 404 for it). A VM that does not exist throws a NOT_FOUND {@link ComputeException}.
   */
  Optional<List<GuestAttribute>> guestAttributes(String zone, String name, String queryPath);

  @Override
  void close();
}
