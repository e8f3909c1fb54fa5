package dev.headroom.spot;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Compute Engine operations Headroom needs, free of Google client types. {@link GceCompute} is the real one.
 * Calls block until the zone operation is DONE, so run them off the UI thread.
 *
 * <pre>{@code
 * Compute compute = GceCompute.connect(settings.gcp());
 * compute.create(new Compute.VmSpec("headroom-1", "us-central1-a", ...));   // throws ComputeException
 * compute.get("us-central1-a", "headroom-1").ifPresent(i -> System.out.println(i.status()));
 * }</pre>
 */
public interface Compute extends AutoCloseable {

  /** What to create: a Spot VM that deletes itself at {@code maxRunDuration}. */
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
      String network) {}

  /** An instance as Compute Engine reports it. {@code status} is PROVISIONING, STAGING, RUNNING, STOPPING, ... */
  record Instance(String name, String zone, String status, String externalIp, Map<String, String> labels) {}

  /** Inserts the instance and waits for the zone operation; an operation DONE with errors throws. */
  void create(VmSpec spec);

  Optional<Instance> get(String zone, String name);

  /** Instances in {@code zones} carrying {@code labelKey=labelValue} (all pages). */
  List<Instance> list(List<String> zones, String labelKey, String labelValue);

  /** Deletes and waits; an instance that is already gone counts as deleted. */
  void delete(String zone, String name);

  @Override
  void close();
}
