package dev.headroom.engine;

import dev.headroom.config.AutoCreateSettings;
import dev.headroom.config.MemorySettings;
import dev.headroom.core.Tasks;
import dev.headroom.engine.Decision.Action;
import dev.headroom.memory.MemoryMonitor;
import dev.headroom.memory.MemoryState;
import dev.headroom.memory.Pressure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires memory to the policy to the fleet, and reaps idle or expired VMs. Readings arrive from the
 * {@link MemoryMonitor}; the policy is evaluated on each reading and once a second (so a sustained window ends on
 * time even between tray readings); the reaper runs every few seconds.
 *
 * <p>Reaper: a running VM is deleted when it has been idle for {@code autoCreate.idleTimeoutMinutes} (no cloud
 * traffic through the gateway, none in flight, and local pressure NORMAL, counted from the latest of: the VM
 * becoming RUNNING, the last cloud request, the last non-NORMAL reading), or when it reaches its max lifetime.
 */
public final class Engine {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
  static final Duration TICK = Duration.ofSeconds(1);
  static final Duration REAP_EVERY = Duration.ofSeconds(5);

  // Replaced together by updateSettings (Preferences apply them live); each tick reads the current ones.
  private volatile AutoCreatePolicy policy;
  private volatile MemorySettings memorySettings;
  private volatile AutoCreateSettings autoSettings;
  private final Fleet fleet;
  private final Spend spend;
  private final Traffic traffic;
  private final DecisionLog log;
  private final Clock clock;
  private final Tasks tasks;
  private final ArrayDeque<MemoryState> recent = new ArrayDeque<>();
  private final List<Tasks.Handle> handles = new ArrayList<>();
  private final java.util.Set<String> reaped = new java.util.HashSet<>();
  private Instant lastPressured = Instant.EPOCH;
  private boolean creating;
  private Runnable unsubscribe = () -> {};

  public Engine(MemorySettings memorySettings, AutoCreateSettings autoSettings, Fleet fleet, Spend spend,
      Traffic traffic, DecisionLog log, Clock clock, Tasks tasks) {
    this.policy = new AutoCreatePolicy(memorySettings, autoSettings);
    this.memorySettings = memorySettings;
    this.autoSettings = autoSettings;
    this.fleet = fleet;
    this.spend = spend;
    this.traffic = traffic;
    this.log = log;
    this.clock = clock;
    this.tasks = tasks;
  }

  /** New thresholds, windows and guards from Preferences: the next evaluation and reaper pass use them. */
  public void updateSettings(MemorySettings memory, AutoCreateSettings auto) {
    this.policy = new AutoCreatePolicy(memory, auto);
    this.memorySettings = memory;
    this.autoSettings = auto;
  }

  /** The auto-create settings in force. */
  public AutoCreateSettings autoCreateSettings() {
    return autoSettings;
  }

  /** Follows {@code monitor} and starts the policy tick and the reaper. */
  public void start(MemoryMonitor monitor) {
    unsubscribe = monitor.addListener(this::onReading);
    handles.add(tasks.every(TICK, this::evaluate));
    handles.add(tasks.every(REAP_EVERY, this::reap));
  }

  public void stop() {
    unsubscribe.run();
    handles.forEach(Tasks.Handle::cancel);
    handles.clear();
  }

  public DecisionLog decisions() {
    return log;
  }

  /** Takes a reading and evaluates the policy at once. */
  public void onReading(MemoryState s) {
    synchronized (this) {
      recent.addLast(s);
      if (s.pressure() != Pressure.NORMAL) {
        lastPressured = s.sample().time();
      }
      // Keep a little more than either window so the policy always sees a full one.
      Instant keepFrom = s.sample().time().minusSeconds(
          Math.max(memorySettings.sustainedSeconds(), memorySettings.projectionSeconds()) + 10L);
      while (!recent.isEmpty() && recent.peekFirst().sample().time().isBefore(keepFrom)) {
        recent.removeFirst();
      }
    }
    evaluate();
  }

  /** Evaluates the policy now; creates a VM when it says so. Returns the decision. */
  public Decision evaluate() {
    List<MemoryState> snapshot;
    synchronized (this) {
      snapshot = new ArrayList<>(recent);
    }
    PolicyInput input = new PolicyInput(clock.instant(), snapshot, fleet.activeOrPending(), fleet.lastCreateAt(),
        fleet.configured(), safely(spend::hourlyPrice), safely(spend::dailyBudgetLeft));
    Decision d = policy.decide(input);
    if (d.action() == Action.CREATE) {
      synchronized (this) {
        if (creating) {
          // The fleet has not counted the request yet; one create at a time.
          return d;
        }
        creating = true;
      }
      log.record(d);
      try {
        fleet.create(d.message()).whenComplete((ok, err) -> {
          if (err != null) {
            LOG.warn("Auto-create failed: {}", err.getMessage());
          }
        });
      } finally {
        synchronized (this) {
          creating = false;
        }
      }
    } else {
      log.record(d);
    }
    return d;
  }

  /** Deletes running VMs that are idle past the timeout or at their max lifetime. */
  public void reap() {
    Instant now = clock.instant();
    Duration idleTimeout = Duration.ofMinutes(autoSettings.idleTimeoutMinutes());
    Optional<Instant> lastTraffic = traffic.lastCloudTraffic();
    boolean inFlight = traffic.cloudInFlight() > 0;
    Instant pressured;
    synchronized (this) {
      pressured = lastPressured;
    }
    for (Fleet.RunningVm vm : fleet.running()) {
      if (!now.isBefore(vm.maxLifetimeAt())) {
        reapOne(vm, now, "MAX_LIFETIME", "reached its max lifetime (" + vm.maxLifetimeAt() + ")");
        continue;
      }
      if (inFlight) {
        continue;
      }
      Instant busy = latest(vm.runningSince(), lastTraffic.orElse(Instant.EPOCH), pressured);
      Duration idle = Duration.between(busy, now);
      if (idle.compareTo(idleTimeout) >= 0) {
        reapOne(vm, now, "IDLE", "idle for " + idle.toMinutes() + " min (no routed traffic, pressure normal;"
            + " timeout " + idleTimeout.toMinutes() + " min)");
      }
    }
  }

  private void reapOne(Fleet.RunningVm vm, Instant now, String reason, String why) {
    synchronized (this) {
      if (!reaped.add(vm.name())) {
        return; // already asked; the fleet still lists it until the delete completes
      }
    }
    log.record(new Decision(now, Action.TERMINATE, Decision.Trigger.NONE, "REAP_" + reason,
        "Terminate " + vm.name() + ": " + why));
    fleet.terminate(vm.name(), why).whenComplete((ok, err) -> {
      if (err != null) {
        LOG.warn("Reaping {} failed: {}", vm.name(), err.getMessage());
        synchronized (this) {
          reaped.remove(vm.name()); // try again at the next pass
        }
      }
    });
  }

  private static Instant latest(Instant a, Instant b, Instant c) {
    Instant m = a.isAfter(b) ? a : b;
    return m.isAfter(c) ? m : c;
  }

  // Fail closed: a spend source that throws counts as unknown.
  private static <T> Optional<T> safely(java.util.function.Supplier<Optional<T>> s) {
    try {
      return s.get();
    } catch (RuntimeException e) {
      LOG.debug("Spend unreadable: {}", e.toString());
      return Optional.empty();
    }
  }
}
