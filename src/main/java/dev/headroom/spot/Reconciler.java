package dev.headroom.spot;

import dev.headroom.config.GcpSettings;
import dev.headroom.core.AppException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up reconciliation: lists every instance labelled {@code managed-by=headroom} in the configured zones; known
 * ones that are alive keep their record and take their live state; unknown RUNNING ones (a crashed run, another
 * session) are adopted, so the reaper and the max-lifetime check delete them in time; unknown ones in any other
 * state, and ones the store says were already terminated, are deleted. No orphan stays. Only the app's start runs
 * this: the CLI verbs never adopt or delete.
 */
final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  private final GcpSettings gcp;
  private final VmBook book;
  private final LivePoller poller;
  private final Clock clock;
  private final Predicate<String> busy;

  Reconciler(GcpSettings gcp, VmBook book, LivePoller poller, Clock clock, Predicate<String> busy) {
    this.gcp = gcp;
    this.book = book;
    this.poller = poller;
    this.clock = clock;
    this.busy = busy;
  }

  void reconcile(Compute c) {
    List<Compute.Instance> live = c.list(gcp.zones(), SpotVmService.LABEL, SpotVmService.LABEL_VALUE);
    Set<String> seen = new HashSet<>();
    for (Compute.Instance i : live) {
      seen.add(i.name());
      if (busy.test(i.name())) {
        continue;
      }
      Optional<SpotVm> known = book.vm(i.name());
      String session = i.labels().getOrDefault(SpotVmService.SESSION_LABEL, "");
      if (known.isPresent() && known.get().state().active()) {
        poller.follow(c, known.get(), Optional.of(i), " (reconciled at start)", true);
      } else if (known.isEmpty() && i.status().equals("RUNNING")) {
        Instant now = clock.instant();
        Instant since = i.startedAt().filter(t -> !t.isAfter(now)).orElse(now);
        SpotVm adopted = new SpotVm(i.name(), i.zone(), i.machineType().isEmpty() ? "unknown" : i.machineType(),
            VmState.RUNNING, i.externalIp(), since, Optional.of(since), Optional.empty(),
            i.maxRunDuration().orElse(Duration.ofMinutes(gcp.maxRunDurationMinutes())), session, "Adopted at start");
        book.transition(adopted, "Adopted at start: a running VM labelled managed-by=headroom from session "
            + (session.isEmpty() ? "?" : session) + " that this store did not know");
      } else {
        deleteOrphan(c, i, known);
      }
    }
    for (SpotVm vm : book.vms()) {
      if (seen.contains(vm.name()) || busy.test(vm.name())) {
        continue;
      }
      if (vm.state().active()) {
        poller.follow(c, vm, Optional.empty(), " (found gone at start)", true);
      } else if (vm.state() == VmState.TERMINATING) {
        book.transition(vm.ended(VmState.DELETED, clock.instant(), "Deleted"), "Deleted (confirmed at start)");
      }
    }
  }

  private void deleteOrphan(Compute c, Compute.Instance i, Optional<SpotVm> known) {
    String why = known.isEmpty() ? "unknown VM in status " + i.status() : "VM recorded as " + known.get().state();
    LOG.info("Deleting orphan {} ({})", i.name(), why);
    try {
      c.delete(i.zone(), i.name());
    } catch (AppException e) {
      LOG.warn("Deleting orphan {} failed: {}", i.name(), e.userMessage());
      known.ifPresent(k -> book.event(k, "Deleting the leftover VM at start failed (" + why + "): "
          + e.userMessage()));
      return;
    }
    Instant now = clock.instant();
    String msg = "Orphan deleted at start (" + why + ")";
    if (known.isEmpty()) {
      book.transition(new SpotVm(i.name(), i.zone(), i.machineType().isEmpty() ? "unknown" : i.machineType(),
          VmState.DELETED, i.externalIp(), now, Optional.empty(), Optional.of(now),
          Duration.ofMinutes(gcp.maxRunDurationMinutes()), i.labels().getOrDefault(SpotVmService.SESSION_LABEL, ""),
          msg), msg);
    } else if (known.get().state() == VmState.TERMINATING) {
      book.transition(known.get().ended(VmState.DELETED, now, msg), msg);
    } else {
      book.event(known.get(), msg);
    }
  }
}
