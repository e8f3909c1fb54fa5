package dev.headroom.spot;

import dev.headroom.core.AppException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows live VMs: PROVISIONING -> RUNNING, and preemption of RUNNING ones (a VM that disappears or stops without
 * Headroom asking). The preemption time is Compute Engine's own: its {@code compute.instances.preempted} operation, or
 * the instance's {@code lastStopTimestamp}; only when it says neither is the moment Headroom noticed used. A read-only
 * poll never deletes; the app's background poll also deletes a VM that stopped for good (it would bill its disk).
 */
final class LivePoller {
  private static final Logger LOG = LoggerFactory.getLogger(LivePoller.class);
  /** Statuses of an instance that is not running and will not run again by itself. */
  static final Set<String> STOPPED = Set.of("STOPPING", "STOPPED", "TERMINATED", "SUSPENDING", "SUSPENDED");
  /** Stopped for good and still billing its disk (STOPPING ones are on their way out: GCE's DELETE action). */
  private static final Set<String> LEFT_OVER = Set.of("STOPPED", "TERMINATED", "SUSPENDED");
  /**
   * Compute Engine counts maxRunDuration from the VM's real start, which is a little before Headroom first sees it
   * RUNNING: a VM that vanishes within this much of its limit was deleted by the limit, not preempted.
   */
  static final Duration LIFETIME_TOLERANCE = Duration.ofMinutes(2);
  /**
   * A PROVISIONING VM not visible yet is FAILED only this long after its request: an insert whose outcome was not
   * known (no answer, an operation past its limit) may still create it.
   */
  static final Duration PROVISIONING_GRACE = Duration.ofMinutes(15);
  private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
      .withZone(ZoneOffset.UTC);

  private final VmBook book;
  private final Clock clock;
  private final Predicate<String> busy;

  /** @param busy true for a VM another thread is creating or deleting right now: polling leaves it alone */
  LivePoller(VmBook book, Clock clock, Predicate<String> busy) {
    this.book = book;
    this.clock = clock;
    this.busy = busy;
  }

  /**
   * Polls every PROVISIONING or RUNNING VM once. Returns the first failure to reach Compute Engine, if any (the
   * remaining VMs are then not polled: the endpoint is down).
   */
  Optional<String> poll(Compute c, boolean mayDelete) {
    for (SpotVm vm : book.vms()) {
      if (!(vm.state() == VmState.PROVISIONING || vm.state() == VmState.RUNNING) || busy.test(vm.name())) {
        continue;
      }
      Optional<Compute.Instance> live;
      try {
        live = c.get(vm.zone(), vm.name());
      } catch (AppException e) {
        LOG.warn("Polling {} failed: {}", vm.name(), e.userMessage()); // degrade: try again next poll
        if (e instanceof ComputeException ce && ce.kind() == ComputeException.Kind.TRANSIENT) {
          return Optional.of(e.userMessage());
        }
        continue;
      }
      follow(c, vm, live, "", mayDelete);
    }
    return Optional.empty();
  }

  /** Updates {@code vm} from what Compute Engine says of it ({@code live}, empty when gone). */
  void follow(Compute c, SpotVm vm, Optional<Compute.Instance> live, String context, boolean mayDelete) {
    if (busy.test(vm.name())) {
      return;
    }
    Instant now = clock.instant();
    if (live.isEmpty()) {
      if (vm.state() == VmState.RUNNING) {
        Optional<Instant> preempted = preemptedAt(c, vm);
        if (preempted.isEmpty() && !now.isBefore(vm.maxLifetimeAt().minus(LIFETIME_TOLERANCE))) {
          String msg = "Deleted by Compute Engine at its max run duration of " + vm.maxRunDuration().toMinutes()
              + " min" + context;
          book.transition(vm.ended(VmState.DELETED, now, msg), msg);
          return;
        }
        ended(vm, preempted, Optional.empty(), "Preempted: the VM disappeared without Headroom asking" + context);
      } else if (vm.state().active() && now.isBefore(vm.requestedAt().plus(PROVISIONING_GRACE))) {
        return; // not visible yet: its insert may still be running
      } else if (vm.state().active()) {
        String msg = "The VM never appeared or disappeared before it was running" + context;
        book.transition(vm.ended(VmState.FAILED, now, msg), msg);
      }
      return;
    }
    Compute.Instance i = live.get();
    if (i.status().equals("RUNNING") && vm.state() != VmState.RUNNING) {
      book.transition(vm.running(now, i.externalIp()), "Running in " + vm.zone()
          + (i.externalIp().isEmpty() ? "" : " at " + i.externalIp()) + context);
    } else if (STOPPED.contains(i.status()) && vm.state().active()) {
      if (vm.state() == VmState.RUNNING) {
        ended(vm, preemptedAt(c, vm), i.stoppedAt(), "Preempted: status " + i.status() + " without Headroom asking"
            + context);
      } else {
        String msg = "Stopped (status " + i.status() + ") before it was running" + context;
        book.transition(vm.ended(VmState.FAILED, now, msg), msg);
      }
      if (mayDelete && LEFT_OVER.contains(i.status())) {
        try {
          c.delete(vm.zone(), vm.name()); // a stopped Spot VM still bills its disk: no orphan
          book.event(book.vm(vm.name()).orElse(vm), "Deleted the stopped VM so it bills nothing");
        } catch (AppException e) {
          LOG.warn("Deleting stopped {} failed: {}", vm.name(), e.userMessage());
        }
      }
    }
  }

  /** PREEMPTED at Compute Engine's time when it gives one (within the VM's run), else now. */
  private void ended(SpotVm vm, Optional<Instant> fromOperation, Optional<Instant> lastStop, String what) {
    Instant now = clock.instant();
    Instant since = vm.runningSince().orElse(vm.requestedAt());
    Optional<Instant> op = fromOperation.filter(t -> !t.isBefore(since) && !t.isAfter(now));
    Optional<Instant> stop = lastStop.filter(t -> !t.isBefore(since) && !t.isAfter(now));
    Instant at = op.or(() -> stop).orElse(now);
    String source = op.isPresent() ? "by its compute.instances.preempted operation"
        : stop.isPresent() ? "by its lastStopTimestamp" : "when Headroom noticed; Compute Engine gave no time";
    String msg = what + "; preempted at " + HMS.format(at) + " (" + source + ")";
    book.transition(vm.ended(VmState.PREEMPTED, at, msg), msg);
  }

  private static Optional<Instant> preemptedAt(Compute c, SpotVm vm) {
    try {
      return c.preemptedAt(vm.zone(), vm.name());
    } catch (AppException e) {
      LOG.warn("Reading the preemption time of {} failed: {}", vm.name(), e.userMessage());
      return Optional.empty();
    }
  }
}
