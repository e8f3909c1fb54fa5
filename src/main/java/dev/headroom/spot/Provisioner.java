package dev.headroom.spot;

import dev.headroom.config.GcpSettings;
import dev.headroom.core.AppException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Creates one VM: each configured zone in turn, moving on after a stockout or a quota error; within a zone, the
 * insert is sent with one requestId per attempt and sent again with the same requestId after a TRANSIENT failure, so
 * a lost answer never creates a second instance. Before a VM is marked FAILED, every zone tried is asked whether the
 * instance exists after all: one that does is tracked, so no billed instance is left unknown. Every attempt, retry
 * and outcome lands in the timeline.
 */
final class Provisioner {
  private final GcpSettings gcp;
  private final VmBook book;
  private final Clock clock;
  private final Retry retry;
  private final Function<SpotVm, Compute.VmSpec> spec;

  Provisioner(GcpSettings gcp, VmBook book, Clock clock, Retry retry, Function<SpotVm, Compute.VmSpec> spec) {
    this.gcp = gcp;
    this.book = book;
    this.clock = clock;
    this.retry = retry;
    this.spec = spec;
  }

  /**
   * Runs the creation of {@code requested}; returns the VM in its resulting state: RUNNING, PROVISIONING (created,
   * not running yet), FAILED, or DELETED when {@code cancel} says a terminate came before any insert.
   */
  SpotVm provision(Compute c, SpotVm requested, Supplier<Optional<String>> cancel) {
    List<String> failures = new ArrayList<>();
    List<String> tried = new ArrayList<>();
    Optional<ComputeException.Quota> quota = Optional.empty();
    SpotVm vm = requested;
    for (String zone : gcp.zones()) {
      Optional<String> cancelled = cancel.get();
      if (cancelled.isPresent()) {
        if (tried.isEmpty()) {
          String msg = "Terminated before any VM was created (" + cancelled.get() + ")";
          return book.transition(vm.ended(VmState.DELETED, clock.instant(), msg), msg);
        }
        return trackIfCreated(c, vm, tried, "Terminated before the next zone was tried (" + cancelled.get() + ")",
            VmState.DELETED, false);
      }
      String requestId = UUID.randomUUID().toString();
      String msg = "Creating in " + zone + " (requestId " + requestId + ")";
      vm = book.transition(vm.inZone(zone).with(VmState.PROVISIONING, msg), msg);
      tried.add(zone);
      SpotVm attempt = vm;
      try {
        retry.run(() -> c.create(spec.apply(attempt), requestId), (e, pause) -> book.event(attempt, zone + ": "
            + e.userMessage() + "; sending the same request (requestId " + requestId + ") again in "
            + Retry.seconds(pause)));
      } catch (ComputeException e) {
        if (e.kind() == ComputeException.Kind.STOCKOUT || e.kind() == ComputeException.Kind.QUOTA) {
          if (quota.isEmpty()) {
            quota = e.quota();
          }
          String what = e.kind() == ComputeException.Kind.STOCKOUT ? "no Spot capacity" : "quota exceeded";
          failures.add(zone + ": " + what);
          book.event(vm, zone + ": " + what + " (" + e.userMessage() + ")"
              + (zone.equals(gcp.zones().get(gcp.zones().size() - 1)) ? "" : "; trying the next zone"));
          continue;
        }
        // After TRANSIENT failures (no answer, 5xx, an operation past its limit) the outcome is not known.
        return trackIfCreated(c, vm, tried, e.userMessage(), VmState.FAILED,
            e.kind() == ComputeException.Kind.TRANSIENT);
      } catch (AppException e) {
        return trackIfCreated(c, vm, tried, e.userMessage(), VmState.FAILED, false);
      }
      return afterInsert(c, vm);
    }
    boolean anyQuota = failures.stream().anyMatch(f -> f.endsWith("quota exceeded"));
    String msg = anyQuota
        ? "Quota exceeded for " + gcp.machineType() + " Spot VMs in region " + gcp.region() + " ("
            + String.join("; ", failures) + "). " + quota.map(q -> q.explain(gcp.project())).orElse(
                "Request more quota in the Google Cloud console, IAM & Admin > Quotas & System Limits, region "
                    + gcp.region() + ", or choose another machine type or region.")
        : "No zone of " + gcp.region() + " could create " + gcp.machineType() + " (" + String.join("; ", failures)
            + "). Try later, another machine type, or more zones in gcp.zones.";
    return trackIfCreated(c, vm, tried, msg, VmState.FAILED, false);
  }

  /** The insert succeeded: read the instance once; RUNNING now, or PROVISIONING for the poller to follow. */
  private SpotVm afterInsert(Compute c, SpotVm vm) {
    Optional<Compute.Instance> live;
    try {
      live = retry.call(() -> c.get(vm.zone(), vm.name()), (e, pause) -> { });
    } catch (AppException e) {
      return book.event(vm, "Created in " + vm.zone() + "; reading its status failed (" + e.userMessage()
          + "); polling will follow it");
    }
    if (live.isPresent() && live.get().status().equals("RUNNING")) {
      return book.transition(vm.running(clock.instant(), live.get().externalIp()), "Running in " + vm.zone()
          + (live.get().externalIp().isEmpty() ? "" : " at " + live.get().externalIp()));
    }
    return book.event(vm, "Created in " + vm.zone() + "; status "
        + live.map(Compute.Instance::status).orElse("not visible yet"));
  }

  /**
   * Creation failed as far as the calls said: before recording {@code ifAbsent}, ask each zone tried whether the
   * instance exists after all (a lost answer, an operation that timed out but went on). One that exists is tracked.
   * When the last failure left the outcome unknown (an operation may still be running), the VM stays PROVISIONING
   * and the poller settles it ({@link LivePoller#PROVISIONING_GRACE}).
   */
  private SpotVm trackIfCreated(Compute c, SpotVm vm, List<String> tried, String failure, VmState ifAbsent,
      boolean outcomeUnknown) {
    for (int i = tried.size() - 1; i >= 0; i--) {
      String zone = tried.get(i);
      Optional<Compute.Instance> live;
      try {
        live = retry.call(() -> c.get(zone, vm.name()), (e, pause) -> { });
      } catch (AppException e) {
        // Cannot tell: keep it as PROVISIONING so polling (and reconciliation at start) settles it, never FAILED.
        String msg = failure + ". Could not check whether " + vm.name() + " exists in " + zone + " ("
            + e.userMessage() + "); polling will settle it";
        return book.event(vm.inZone(zone).with(VmState.PROVISIONING, msg), msg);
      }
      if (live.isPresent()) {
        String msg = "The create call failed (" + failure + ") but " + vm.name() + " exists in " + zone
            + " (status " + live.get().status() + "): tracking it";
        SpotVm found = vm.inZone(zone).with(VmState.PROVISIONING, msg);
        if (live.get().status().equals("RUNNING")) {
          book.transition(found, msg);
          return book.transition(found.running(clock.instant(), live.get().externalIp()), "Running in " + zone
              + (live.get().externalIp().isEmpty() ? "" : " at " + live.get().externalIp()));
        }
        return book.transition(found, msg);
      }
    }
    if (outcomeUnknown) {
      String msg = failure + ". Whether " + vm.name() + " was created is not known yet: polling follows it (FAILED"
          + " if it has not appeared within " + LivePoller.PROVISIONING_GRACE.toMinutes() + " min of the request)";
      return book.event(vm.with(VmState.PROVISIONING, msg), msg);
    }
    return book.transition(vm.ended(ifAbsent, clock.instant(), failure), failure);
  }
}
