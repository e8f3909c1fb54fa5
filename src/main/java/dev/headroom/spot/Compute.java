package dev.headroom.spot;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Compute Engine operations Headroom needs, free of Google client types. {@link GceCompute} is the real one.
 * Calls block until the zone operation is DONE, so run them off the UI thread. Failures are
 * {@link ComputeException}s whose {@link ComputeException#kind()} says whether another zone may help.
 *
 * <pre>{@code
 * Compute compute = GceCompute.connect(settings.gcp(), GceCompute.Polling.DEFAULT);
 * compute.create(new Compute.VmSpec("headroom-1", "us-central1-a", "e2-highmem-4", "debian-cloud", "debian-12",
 *     20, "pd-balanced", Duration.ofHours(3), Map.of("managed-by", "headroom"), script,
 *     Map.of("headroom-backend-port", "8080"), "global/networks/default"));
 * compute.get("us-central1-a", "headroom-1").ifPresent(i -> System.out.println(i.status()));
 * compute.delete("us-central1-a", "headroom-1");
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
   * @param startedAt when it last started, if it has
   * @param maxRunDuration the instance's own scheduling limit, if it has one
   */
  record Instance(String name, String zone, String machineType, String status, String externalIp,
      Map<String, String> labels, Optional<Instant> startedAt, Optional<Duration> maxRunDuration) {}

  /** Inserts the instance and waits for the zone operation; an operation DONE with errors throws. */
  void create(VmSpec spec);

  /** The instance, or empty when it does not exist. */
  Optional<Instance> get(String zone, String name);

  /** Instances in {@code zones} carrying {@code labelKey=labelValue} (all pages). */
  List<Instance> list(List<String> zones, String labelKey, String labelValue);

  /** Deletes and waits; an instance that is already gone counts as deleted. */
  void delete(String zone, String name);

  @Override
  void close();
}
