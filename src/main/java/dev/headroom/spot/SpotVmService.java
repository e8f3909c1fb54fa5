package dev.headroom.spot;

import dev.headroom.config.GcpSettings;
import dev.headroom.core.AppException;
import dev.headroom.core.Tasks;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle of the Spot VMs Headroom manages: create (with zone fallback on stockout or quota), watch
 * (preemption = a RUNNING VM that disappears or stops without being asked), terminate, and reconcile at start.
 * Every transition and attempt is stored (vm_sessions, vm_events) and survives restarts. Compute calls run on
 * {@link Tasks}; nothing here blocks the caller.
 *
 * <p>Reconciliation at start lists every instance labelled {@code managed-by=headroom}: known ones take their
 * live state; unknown RUNNING ones (from a crashed run or another machine's session) are adopted, so the reaper
 * deletes them when idle; unknown ones in any other state are deleted. No orphan stays.
 *
 * <pre>{@code
 * SpotVmService spot = new SpotVmService(() -> GceCompute.connect(gcp, Polling.DEFAULT), gcp, store, clock, tasks, sid);
 * spot.start(Duration.ofSeconds(15));
 * spot.create("manual").thenAccept(vm -> System.out.println(vm.state()));
 * }</pre>
 */
public final class SpotVmService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SpotVmService.class);
  public static final String LABEL = "managed-by";
  public static final String LABEL_VALUE = "headroom";
  public static final String SESSION_LABEL = "headroom-session";
  private static final Set<String> STOPPED = Set.of("STOPPING", "STOPPED", "TERMINATED", "SUSPENDING", "SUSPENDED");
  private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
      .withZone(ZoneOffset.UTC);

  private final Supplier<Compute> computeFactory;
  private final GcpSettings gcp;
  private final SpotStore store;
  private final Clock clock;
  private final Tasks tasks;
  private final String sessionId;
  private final String startupScript;
  private final Map<String, SpotVm> vms = new LinkedHashMap<>();
  private final Set<String> terminating = new HashSet<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private Compute compute;
  private String notConnected;
  private Instant lastCreateAt;
  private Tasks.Handle poller;

  public SpotVmService(Supplier<Compute> computeFactory, GcpSettings gcp, SpotStore store, Clock clock, Tasks tasks,
      String sessionId) {
    this.computeFactory = computeFactory;
    this.gcp = gcp;
    this.store = store;
    this.clock = clock;
    this.tasks = tasks;
    this.sessionId = sessionId;
    this.startupScript = loadStartupScript();
    for (SpotVm vm : store.loadVms()) {
      vms.put(vm.name(), vm);
      if (lastCreateAt == null || vm.requestedAt().isAfter(lastCreateAt)) {
        lastCreateAt = vm.requestedAt();
      }
    }
  }

  /** Reconciles in the background, then polls live VMs every {@code every}. */
  public void start(Duration every) {
    tasks.run(() -> {
      if (compute().isPresent()) {
        reconcile();
      }
    });
    poller = tasks.every(every, this::refresh);
  }

  /** Why cloud actions are unavailable (with how to connect), or empty when connected. */
  public synchronized Optional<String> notConnectedReason() {
    if (!gcp.configured()) {
      return Optional.of("Google Cloud is not configured. " + GceCompute.HOW_TO_CONNECT);
    }
    return Optional.ofNullable(notConnected);
  }

  /** The Compute client, created once on first use (off the UI thread); empty when it cannot connect. */
  private synchronized Optional<Compute> compute() {
    if (compute == null && gcp.configured()) {
      try {
        compute = computeFactory.get();
        notConnected = null;
      } catch (AppException e) {
        notConnected = e.userMessage();
        LOG.warn("Compute Engine unavailable: {}", e.userMessage());
      }
    }
    return Optional.ofNullable(compute);
  }

  private Compute requireCompute() {
    return compute().orElseThrow(() -> new AppException(notConnectedReason().orElse("Google Cloud unavailable")));
  }

  /** Every VM Headroom knows, oldest first. */
  public synchronized List<SpotVm> vms() {
    return new ArrayList<>(vms.values());
  }

  public synchronized Optional<SpotVm> vm(String name) {
    return Optional.ofNullable(vms.get(name));
  }

  /** The VM's timeline, oldest first. */
  public List<VmEvent> events(String name) {
    return store.loadEvents(name);
  }

  /** Requested, provisioning or running VMs. */
  public synchronized int activeOrPending() {
    return (int) vms.values().stream().filter(v -> v.state().active()).count();
  }

  public synchronized Optional<Instant> lastCreateAt() {
    return Optional.ofNullable(lastCreateAt);
  }

  /** The most recently started RUNNING VM with an external IP (the gateway's cloud target). */
  public synchronized Optional<SpotVm> runningVm() {
    return vms.values().stream().filter(v -> v.state() == VmState.RUNNING && !v.externalIp().isEmpty())
        .reduce((a, b) -> b);
  }

  /** Calls {@code onChange} (on a background thread) after every transition; returns a remover. */
  public Runnable addListener(Runnable onChange) {
    listeners.add(onChange);
    return () -> listeners.remove(onChange);
  }

  /**
   * Requests a VM of the configured shape. The REQUESTED record exists when this returns; creation (trying each
   * configured zone in turn on stockout or quota) runs in the background. The future completes with the VM in its
   * resulting state (RUNNING, PROVISIONING or FAILED), or exceptionally when Google Cloud is not connected.
   */
  public CompletableFuture<SpotVm> create(String reason) {
    if (!gcp.configured()) {
      return CompletableFuture.failedFuture(new AppException(notConnectedReason().orElseThrow()));
    }
    Instant now = clock.instant();
    String name = "headroom-" + NAME_TIME.format(now) + "-"
        + String.format(Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(0x10000));
    SpotVm vm = new SpotVm(name, gcp.zones().get(0), gcp.machineType(), VmState.REQUESTED, "", now,
        Optional.empty(), Optional.empty(), Duration.ofMinutes(gcp.maxRunDurationMinutes()), sessionId, reason);
    synchronized (this) {
      lastCreateAt = now;
    }
    transition(vm, "Requested " + gcp.machineType() + ": " + reason);
    return tasks.submit(() -> provision(vm));
  }

  private SpotVm provision(SpotVm requested) {
    Compute c;
    try {
      c = requireCompute();
    } catch (AppException e) {
      return transition(requested.ended(VmState.FAILED, clock.instant(), e.userMessage()), e.userMessage());
    }
    List<String> failures = new ArrayList<>();
    boolean quota = false;
    String quotaDetail = "";
    SpotVm vm = requested;
    for (String zone : gcp.zones()) {
      vm = transition(vm.inZone(zone).with(VmState.PROVISIONING, "Creating in " + zone),
          "Creating in " + zone);
      try {
        c.create(spec(vm));
      } catch (ComputeException e) {
        if (e.kind() == ComputeException.Kind.STOCKOUT || e.kind() == ComputeException.Kind.QUOTA) {
          if (e.kind() == ComputeException.Kind.QUOTA && !quota) {
            quota = true;
            String m = e.userMessage();
            quotaDetail = m.substring(m.indexOf(": ") + 2); // Compute Engine's own words: which quota, what limit
          }
          String what = (e.kind() == ComputeException.Kind.STOCKOUT ? "no Spot capacity" : "quota exceeded");
          failures.add(zone + ": " + what);
          event(vm, zone + ": " + what + " (" + e.userMessage() + ")"
              + (zone.equals(last(gcp.zones())) ? "" : "; trying the next zone"));
          continue;
        }
        return transition(vm.ended(VmState.FAILED, clock.instant(), e.userMessage()), e.userMessage());
      } catch (AppException e) {
        return transition(vm.ended(VmState.FAILED, clock.instant(), e.userMessage()), e.userMessage());
      }
      return afterInsert(c, vm);
    }
    String msg = quota
        ? "Quota exceeded for " + gcp.machineType() + " Spot VMs in " + gcp.region() + ": " + quotaDetail + " ("
            + String.join("; ", failures) + "). Request more quota (console: IAM & Admin > Quotas, region "
            + gcp.region() + ") or choose another machine type or region."
        : "No zone of " + gcp.region() + " could create " + gcp.machineType() + " (" + String.join("; ", failures)
            + "). Try later, another machine type, or more zones in gcp.zones.";
    return transition(vm.ended(VmState.FAILED, clock.instant(), msg), msg);
  }

  private SpotVm afterInsert(Compute c, SpotVm vm) {
    Optional<Compute.Instance> live = c.get(vm.zone(), vm.name());
    if (live.isPresent() && live.get().status().equals("RUNNING")) {
      return transition(vm.running(clock.instant(), live.get().externalIp()),
          "Running in " + vm.zone() + (live.get().externalIp().isEmpty() ? "" : " at " + live.get().externalIp()));
    }
    return event(vm, "Created in " + vm.zone() + "; status " + live.map(Compute.Instance::status).orElse("unknown"));
  }

  /** Deletes one VM (TERMINATING, then DELETED). */
  public CompletableFuture<SpotVm> terminate(String name, String reason) {
    SpotVm vm;
    synchronized (this) {
      vm = vms.get(name);
      if (vm == null) {
        return CompletableFuture.failedFuture(new AppException("No VM named " + name + " is managed by Headroom"));
      }
      if (vm.state().ended() || !terminating.add(name)) {
        return CompletableFuture.completedFuture(vm);
      }
    }
    SpotVm asked = transition(vm.with(VmState.TERMINATING, "Terminating: " + reason), "Terminating: " + reason);
    return tasks.submit(() -> {
      try {
        requireCompute().delete(asked.zone(), asked.name());
        return transition(asked.ended(VmState.DELETED, clock.instant(), "Deleted"), "Deleted (" + reason + ")");
      } catch (AppException e) {
        // Still there (or unknown): back to what it was, with the reason, so the user can retry.
        transition(asked.with(vm.state(), "Delete failed: " + e.userMessage()),
            "Delete failed: " + e.userMessage());
        throw e;
      } finally {
        synchronized (this) {
          terminating.remove(asked.name());
        }
      }
    });
  }

  /** Deletes every active VM. */
  public CompletableFuture<Void> terminateAll(String reason) {
    List<CompletableFuture<SpotVm>> all = new ArrayList<>();
    for (SpotVm vm : vms()) {
      if (vm.state().active()) {
        all.add(terminate(vm.name(), reason));
      }
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  /** Polls live VMs: PROVISIONING -> RUNNING, and preemption of RUNNING ones. */
  public void refresh() {
    Optional<Compute> c = compute();
    if (c.isEmpty()) {
      return;
    }
    for (SpotVm vm : vms()) {
      if (!(vm.state() == VmState.PROVISIONING || vm.state() == VmState.RUNNING) || isTerminating(vm.name())) {
        continue;
      }
      Optional<Compute.Instance> live;
      try {
        live = c.get().get(vm.zone(), vm.name());
      } catch (AppException e) {
        LOG.warn("Polling {} failed: {}", vm.name(), e.userMessage()); // degrade: try again next poll
        continue;
      }
      follow(c.get(), vm, live, "");
    }
  }

  private void follow(Compute c, SpotVm vm, Optional<Compute.Instance> live, String context) {
    if (isTerminating(vm.name())) {
      return;
    }
    Instant now = clock.instant();
    if (live.isEmpty()) {
      if (vm.state() == VmState.RUNNING) {
        transition(vm.ended(VmState.PREEMPTED, now, "Preempted: the VM disappeared without Headroom asking" + context),
            "Preempted: the VM disappeared without Headroom asking" + context);
      } else if (vm.state().active()) {
        transition(vm.ended(VmState.FAILED, now, "The VM disappeared before it was running" + context),
            "The VM disappeared before it was running" + context);
      }
      return;
    }
    String status = live.get().status();
    if (status.equals("RUNNING") && vm.state() != VmState.RUNNING) {
      transition(vm.running(now, live.get().externalIp()), "Running in " + vm.zone()
          + (live.get().externalIp().isEmpty() ? "" : " at " + live.get().externalIp()) + context);
    } else if (STOPPED.contains(status) && vm.state() == VmState.RUNNING) {
      String msg = "Preempted: status " + status + " without Headroom asking" + context;
      transition(vm.ended(VmState.PREEMPTED, now, msg), msg);
      try {
        c.delete(vm.zone(), vm.name()); // a stopped Spot VM still bills its disk: no orphan
      } catch (AppException e) {
        LOG.warn("Deleting preempted {} failed: {}", vm.name(), e.userMessage());
      }
    }
  }

  /** Matches the store with what Compute Engine has: adopt, update or delete (see the class comment). */
  public void reconcile() {
    Compute c = requireCompute();
    List<Compute.Instance> live = c.list(gcp.zones(), LABEL, LABEL_VALUE);
    Set<String> seen = new HashSet<>();
    for (Compute.Instance i : live) {
      seen.add(i.name());
      Optional<SpotVm> known = vm(i.name());
      if (known.isPresent() && known.get().state().active()) {
        follow(c, known.get(), Optional.of(i), " (reconciled at start)");
      } else if (known.isEmpty() && i.status().equals("RUNNING")) {
        Instant now = clock.instant();
        SpotVm adopted = new SpotVm(i.name(), i.zone(), "unknown", VmState.RUNNING, i.externalIp(), now,
            Optional.of(now), Optional.empty(), Duration.ofMinutes(gcp.maxRunDurationMinutes()),
            i.labels().getOrDefault(SESSION_LABEL, ""), "Adopted at start");
        transition(adopted, "Adopted at start: a running VM labelled managed-by=headroom from session "
            + i.labels().getOrDefault(SESSION_LABEL, "?"));
      } else {
        String why = known.isEmpty() ? "unknown VM in status " + i.status() : "VM recorded as " + known.get().state();
        LOG.info("Deleting orphan {} ({})", i.name(), why);
        try {
          c.delete(i.zone(), i.name());
          known.ifPresent(k -> event(k, "Orphan deleted at start (" + why + ")"));
          if (known.isEmpty()) {
            Instant now = clock.instant();
            SpotVm orphan = new SpotVm(i.name(), i.zone(), "unknown", VmState.DELETED, i.externalIp(), now,
                Optional.empty(), Optional.of(now), Duration.ofMinutes(gcp.maxRunDurationMinutes()),
                i.labels().getOrDefault(SESSION_LABEL, ""), "Orphan deleted at start");
            transition(orphan, "Orphan deleted at start (" + why + ")");
          }
        } catch (AppException e) {
          LOG.warn("Deleting orphan {} failed: {}", i.name(), e.userMessage());
        }
      }
    }
    for (SpotVm vm : vms()) {
      if (vm.state().active() && !seen.contains(vm.name())) {
        follow(c, vm, Optional.empty(), " (found gone at start)");
      } else if (vm.state() == VmState.TERMINATING && !seen.contains(vm.name())) {
        transition(vm.ended(VmState.DELETED, clock.instant(), "Deleted"), "Deleted (confirmed at start)");
      }
    }
  }

  private synchronized boolean isTerminating(String name) {
    return terminating.contains(name);
  }

  private Compute.VmSpec spec(SpotVm vm) {
    return new Compute.VmSpec(vm.name(), vm.zone(), gcp.machineType(), gcp.imageProject(), gcp.imageFamily(),
        gcp.diskSizeGb(), gcp.diskType(), vm.maxRunDuration(),
        Map.of(LABEL, LABEL_VALUE, SESSION_LABEL, sessionId), startupScript, gcp.network());
  }

  private SpotVm transition(SpotVm vm, String message) {
    VmEvent e = new VmEvent(clock.instant(), vm.name(), vm.state(), message);
    SpotVm stored = new SpotVm(vm.name(), vm.zone(), vm.machineType(), vm.state(), vm.externalIp(),
        vm.requestedAt(), vm.runningSince(), vm.endedAt(), vm.maxRunDuration(), vm.sessionId(), message);
    store.save(stored, e);
    synchronized (this) {
      vms.put(vm.name(), stored);
    }
    LOG.info("VM {} {}: {}", vm.name(), vm.state(), message);
    listeners.forEach(Runnable::run);
    return stored;
  }

  private SpotVm event(SpotVm vm, String message) {
    return transition(vm, message);
  }

  private static String last(List<String> l) {
    return l.get(l.size() - 1);
  }

  private static String loadStartupScript() {
    try (InputStream in = SpotVmService.class.getResourceAsStream("/startup-script.sh")) {
      if (in == null) {
        throw new IllegalStateException("Missing bundled resource /startup-script.sh");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() {
    if (poller != null) {
      poller.cancel();
    }
    if (compute != null) {
      compute.close();
    }
  }
}
