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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
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
 * (preemption = a RUNNING VM that disappears or stops without being asked), terminate, max-lifetime check, and
 * reconcile at start. Every transition and attempt is stored (vm_sessions, vm_events) and survives restarts.
 * Compute calls run on {@link Tasks}; nothing here blocks the caller except {@link #refresh()} and
 * {@link #reconcile()}, which are meant for background threads. Time comes only from the injected {@link Clock}.
 *
 * <p>Reconciliation at start lists every instance labelled {@code managed-by=headroom} in the configured zones:
 * known ones that are alive keep their record and take their live state; unknown RUNNING ones (from a crashed run
 * or another session) are adopted, so the reaper and the max-lifetime check delete them in time; unknown ones in any
 * other state, and ones the store says were already terminated, are deleted. No orphan stays.
 *
 * <p>A terminate asked while the VM is still being created does not race the insert: it is recorded, creation
 * stops trying further zones, and a VM that did get created is deleted as soon as its insert completes.
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
  /** Metadata key the startup script reads to know which port the gateway expects the backend on. */
  public static final String BACKEND_PORT_METADATA = "headroom-backend-port";
  private static final Set<String> STOPPED = Set.of("STOPPING", "STOPPED", "TERMINATED", "SUSPENDING", "SUSPENDED");
  private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
      .withZone(ZoneOffset.UTC);
  /** A failed connection attempt (no credentials yet) is retried at most this often. */
  static final Duration RECONNECT_EVERY = Duration.ofMinutes(1);
  /**
   * Compute Engine counts maxRunDuration from the VM's real start, which is a little before Headroom first sees it
   * RUNNING: a VM that vanishes within this much of its limit was deleted by the limit, not preempted.
   */
  static final Duration LIFETIME_TOLERANCE = Duration.ofMinutes(2);
  /** After its limit plus this, a VM still there is deleted by Headroom (the engine's reaper normally is first). */
  static final Duration LIFETIME_GRACE = Duration.ofMinutes(1);

  private final Supplier<Compute> computeFactory;
  private final GcpSettings gcp;
  private final SpotStore store;
  private final Clock clock;
  private final Tasks tasks;
  private final String sessionId;
  private final String startupScript;
  private final Map<String, SpotVm> vms = new LinkedHashMap<>();
  private final Map<String, CompletableFuture<SpotVm>> creating = new HashMap<>();
  private final Map<String, String> cancelRequested = new HashMap<>();
  private final Map<String, CompletableFuture<SpotVm>> terminating = new HashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final Object connectLock = new Object();
  private volatile Compute compute;
  private volatile String notConnected;
  private volatile Instant notConnectedAt = Instant.MIN;
  private Instant lastCreateAt;
  private Tasks.Handle poller;

  /**
   * @param computeFactory creates the Compute client; called once, lazily, on a background thread; throws
   *     {@link AppException} with the how-to-connect message when it cannot connect
   * @param sessionId this run's id, put on every VM as the {@code headroom-session} label
   */
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

  /** Connects and reconciles in the background, then polls live VMs every {@code every}. */
  public void start(Duration every) {
    tasks.run(() -> {
      if (compute().isPresent()) {
        reconcile();
      }
    });
    synchronized (this) {
      poller = tasks.every(every, this::refresh);
    }
  }

  /** Whether Google Cloud is reachable, and if not, how to connect. */
  public CloudStatus cloudStatus() {
    if (!gcp.configured()) {
      return CloudStatus.notConnected(GceCompute.notConfiguredMessage());
    }
    String reason = notConnected;
    if (reason != null) {
      return CloudStatus.notConnected(reason);
    }
    return compute != null ? CloudStatus.CONNECTED : CloudStatus.NOT_CHECKED;
  }

  /** Why cloud actions are unavailable (with how to connect), or empty when connected or not yet checked. */
  public Optional<String> notConnectedReason() {
    CloudStatus s = cloudStatus();
    return s.state() == CloudStatus.State.NOT_CONNECTED ? Optional.of(s.message()) : Optional.empty();
  }

  /**
   * The Compute client, created once on first use (off the UI thread); empty when it cannot connect. A failed
   * attempt is retried after {@link #RECONNECT_EVERY}, so running {@code gcloud auth application-default login}
   * while the app runs is enough. Listeners hear about every change of {@link #cloudStatus()}.
   */
  private Optional<Compute> compute() {
    Compute c = compute;
    if (c != null || !gcp.configured()) {
      return Optional.ofNullable(c);
    }
    boolean changed;
    synchronized (connectLock) {
      if (compute != null) {
        return Optional.of(compute);
      }
      if (notConnected != null && clock.instant().isBefore(notConnectedAt.plus(RECONNECT_EVERY))) {
        return Optional.empty();
      }
      String before = notConnected;
      try {
        compute = computeFactory.get();
        notConnected = null;
      } catch (AppException e) {
        notConnected = e.userMessage();
        notConnectedAt = clock.instant();
      }
      changed = compute != null || !Objects.equals(before, notConnected);
      if (changed && notConnected != null) {
        LOG.warn("Compute Engine unavailable: {}", notConnected);
      }
    }
    if (changed) {
      notifyListeners();
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

  /** The VM's timeline, oldest first (read from the store). */
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

  /**
   * Calls {@code onChange} (on a background thread) after every transition, timeline entry and change of
   * {@link #cloudStatus()}; returns a remover.
   */
  public Runnable addListener(Runnable onChange) {
    listeners.add(onChange);
    return () -> listeners.remove(onChange);
  }

  /**
   * Requests a VM of the configured shape. The REQUESTED record exists when this returns; creation (trying each
   * configured zone in turn on stockout or quota) runs in the background. The future completes with the VM in its
   * resulting state (RUNNING, PROVISIONING, FAILED, or DELETED when terminated meanwhile), or exceptionally with the
   * how-to-connect message when Google Cloud is known not to be connected.
   */
  public CompletableFuture<SpotVm> create(String reason) {
    CloudStatus status = cloudStatus();
    if (status.state() == CloudStatus.State.NOT_CONNECTED && (!gcp.configured()
        || clock.instant().isBefore(notConnectedAt.plus(RECONNECT_EVERY)))) {
      return CompletableFuture.failedFuture(new AppException(status.message()));
    }
    Instant now = clock.instant();
    String name = "headroom-" + NAME_TIME.format(now) + "-"
        + String.format(Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(0x10000));
    SpotVm vm = new SpotVm(name, gcp.zones().get(0), gcp.machineType(), VmState.REQUESTED, "", now,
        Optional.empty(), Optional.empty(), Duration.ofMinutes(gcp.maxRunDurationMinutes()), sessionId, reason);
    CompletableFuture<SpotVm> result = new CompletableFuture<>();
    synchronized (this) {
      lastCreateAt = now;
      creating.put(name, result);
    }
    transition(vm, "Requested " + gcp.machineType() + ": " + reason);
    tasks.submit(() -> provision(vm)).whenComplete((done, error) -> {
      String cancel;
      synchronized (this) {
        creating.remove(name);
        cancel = cancelRequested.remove(name);
      }
      if (error != null) {
        result.completeExceptionally(error);
      } else if (cancel != null && done.state().active()) {
        // Terminate was asked while the insert was in flight and the VM now exists: delete it right away.
        terminate(name, cancel).whenComplete((deleted, e) -> {
          if (e != null) {
            result.completeExceptionally(e);
          } else {
            result.complete(deleted);
          }
        });
      } else {
        result.complete(done);
      }
    });
    return result;
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
      Optional<String> cancel = cancelReason(vm.name());
      if (cancel.isPresent()) {
        String msg = "Terminated before any VM was created (" + cancel.get() + ")";
        return transition(vm.ended(VmState.DELETED, clock.instant(), msg), msg);
      }
      vm = transition(vm.inZone(zone).with(VmState.PROVISIONING, "Creating in " + zone), "Creating in " + zone);
      try {
        c.create(spec(vm));
      } catch (ComputeException e) {
        if (e.kind() == ComputeException.Kind.STOCKOUT || e.kind() == ComputeException.Kind.QUOTA) {
          if (e.kind() == ComputeException.Kind.QUOTA && !quota) {
            quota = true;
            String m = e.userMessage();
            quotaDetail = m.substring(m.indexOf(": ") + 2); // Compute Engine's own words: which quota, what limit
          }
          String what = e.kind() == ComputeException.Kind.STOCKOUT ? "no Spot capacity" : "quota exceeded";
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
        ? "Quota exceeded for " + gcp.machineType() + " Spot VMs in region " + gcp.region() + ": " + quotaDetail
            + " (" + String.join("; ", failures) + "). Request more quota (console: IAM & Admin > Quotas, region "
            + gcp.region() + ") or choose another machine type or region."
        : "No zone of " + gcp.region() + " could create " + gcp.machineType() + " (" + String.join("; ", failures)
            + "). Try later, another machine type, or more zones in gcp.zones.";
    return transition(vm.ended(VmState.FAILED, clock.instant(), msg), msg);
  }

  private SpotVm afterInsert(Compute c, SpotVm vm) {
    Optional<Compute.Instance> live;
    try {
      live = c.get(vm.zone(), vm.name());
    } catch (AppException e) {
      return event(vm, "Created in " + vm.zone() + "; reading its status failed (" + e.userMessage()
          + "); polling will follow it");
    }
    if (live.isPresent() && live.get().status().equals("RUNNING")) {
      return transition(vm.running(clock.instant(), live.get().externalIp()),
          "Running in " + vm.zone() + (live.get().externalIp().isEmpty() ? "" : " at " + live.get().externalIp()));
    }
    return event(vm, "Created in " + vm.zone() + "; status " + live.map(Compute.Instance::status).orElse("unknown"));
  }

  /**
   * Deletes one VM (TERMINATING, then DELETED). Asking again while it is being deleted returns the same future;
   * asking while it is still being created makes creation delete it as soon as the insert completes.
   */
  public CompletableFuture<SpotVm> terminate(String name, String reason) {
    SpotVm vm;
    CompletableFuture<SpotVm> result;
    synchronized (this) {
      vm = vms.get(name);
      if (vm == null) {
        return CompletableFuture.failedFuture(new AppException("No VM named " + name + " is managed by Headroom"));
      }
      CompletableFuture<SpotVm> inCreation = creating.get(name);
      if (inCreation != null) {
        if (cancelRequested.putIfAbsent(name, reason) != null) {
          return inCreation;
        }
        result = inCreation;
      } else if (vm.state().ended()) {
        return CompletableFuture.completedFuture(vm);
      } else if (terminating.containsKey(name)) {
        return terminating.get(name);
      } else {
        result = new CompletableFuture<>();
        terminating.put(name, result);
      }
    }
    if (!terminating(name, result)) {
      // The creating thread owns the VM's row: only note the request; creation completes the terminate.
      store.appendEvent(new VmEvent(clock.instant(), name, vm.state(),
          "Terminate asked while creating (" + reason + "): deleting as soon as the insert completes"));
      notifyListeners();
      return result;
    }
    SpotVm asked = transition(vm.with(VmState.TERMINATING, "Terminating: " + reason), "Terminating: " + reason);
    tasks.submit(() -> {
      try {
        requireCompute().delete(asked.zone(), asked.name());
        return transition(asked.ended(VmState.DELETED, clock.instant(), "Deleted"), "Deleted (" + reason + ")");
      } catch (AppException e) {
        // Still there (or unknown): back to what it was, with the reason, so the user can retry.
        transition(asked.with(vm.state(), "Delete failed: " + e.userMessage()), "Delete failed: " + e.userMessage());
        throw e;
      }
    }).whenComplete((done, error) -> {
      synchronized (this) {
        terminating.remove(name);
      }
      if (error != null) {
        result.completeExceptionally(error);
      } else {
        result.complete(done);
      }
    });
    return result;
  }

  /** Deletes every active VM (including ones still being created). */
  public CompletableFuture<Void> terminateAll(String reason) {
    List<CompletableFuture<SpotVm>> all = new ArrayList<>();
    for (SpotVm vm : vms()) {
      if (vm.state().active()) {
        all.add(terminate(vm.name(), reason));
      }
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  /**
   * Polls live VMs (blocking; run it on a background thread): PROVISIONING -> RUNNING, preemption of RUNNING ones,
   * and the max-lifetime check (a VM still there {@link #LIFETIME_GRACE} after its max run duration is deleted).
   * A failed poll is logged and retried next time.
   */
  public void refresh() {
    Optional<Compute> c = compute();
    if (c.isEmpty()) {
      return;
    }
    for (SpotVm vm : vms()) {
      if (!(vm.state() == VmState.PROVISIONING || vm.state() == VmState.RUNNING) || busy(vm.name())) {
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
    Instant now = clock.instant();
    for (SpotVm vm : vms()) {
      if (vm.state() == VmState.RUNNING && !busy(vm.name())
          && !now.isBefore(vm.maxLifetimeAt().plus(LIFETIME_GRACE))) {
        terminate(vm.name(), "reached its max run duration of " + vm.maxRunDuration().toMinutes() + " min");
      }
    }
  }

  private void follow(Compute c, SpotVm vm, Optional<Compute.Instance> live, String context) {
    if (busy(vm.name())) {
      return;
    }
    Instant now = clock.instant();
    if (live.isEmpty()) {
      if (vm.state() == VmState.RUNNING
          && !now.isBefore(vm.maxLifetimeAt().minus(LIFETIME_TOLERANCE))) {
        String msg = "Deleted by Compute Engine at its max run duration of " + vm.maxRunDuration().toMinutes()
            + " min" + context;
        transition(vm.ended(VmState.DELETED, now, msg), msg);
      } else if (vm.state() == VmState.RUNNING) {
        String msg = "Preempted: the VM disappeared without Headroom asking" + context;
        transition(vm.ended(VmState.PREEMPTED, now, msg), msg);
      } else if (vm.state().active()) {
        String msg = "The VM disappeared before it was running" + context;
        transition(vm.ended(VmState.FAILED, now, msg), msg);
      }
      return;
    }
    String status = live.get().status();
    if (status.equals("RUNNING") && vm.state() != VmState.RUNNING) {
      transition(vm.running(now, live.get().externalIp()), "Running in " + vm.zone()
          + (live.get().externalIp().isEmpty() ? "" : " at " + live.get().externalIp()) + context);
    } else if (STOPPED.contains(status) && vm.state().active()) {
      String msg = vm.state() == VmState.RUNNING
          ? "Preempted: status " + status + " without Headroom asking" + context
          : "Stopped (status " + status + ") before it was running" + context;
      transition(vm.ended(vm.state() == VmState.RUNNING ? VmState.PREEMPTED : VmState.FAILED, now, msg), msg);
      try {
        c.delete(vm.zone(), vm.name()); // a stopped Spot VM still bills its disk: no orphan
        event(vm(vm.name()).orElse(vm), "Deleted the stopped VM so it bills nothing");
      } catch (AppException e) {
        LOG.warn("Deleting stopped {} failed: {}", vm.name(), e.userMessage());
      }
    }
  }

  /**
   * Matches the store with what Compute Engine has: adopt, update or delete (see the class comment). Blocking;
   * throws {@link AppException} when Google Cloud is not connected.
   */
  public void reconcile() {
    Compute c = requireCompute();
    List<Compute.Instance> live = c.list(gcp.zones(), LABEL, LABEL_VALUE);
    Set<String> seen = new HashSet<>();
    for (Compute.Instance i : live) {
      seen.add(i.name());
      if (busy(i.name())) {
        continue;
      }
      Optional<SpotVm> known = vm(i.name());
      String session = i.labels().getOrDefault(SESSION_LABEL, "");
      if (known.isPresent() && known.get().state().active()) {
        follow(c, known.get(), Optional.of(i), " (reconciled at start)");
      } else if (known.isEmpty() && i.status().equals("RUNNING")) {
        Instant now = clock.instant();
        Instant since = i.startedAt().filter(t -> !t.isAfter(now)).orElse(now);
        SpotVm adopted = new SpotVm(i.name(), i.zone(), i.machineType().isEmpty() ? "unknown" : i.machineType(),
            VmState.RUNNING, i.externalIp(), since, Optional.of(since), Optional.empty(),
            i.maxRunDuration().orElse(Duration.ofMinutes(gcp.maxRunDurationMinutes())), session, "Adopted at start");
        transition(adopted, "Adopted at start: a running VM labelled managed-by=headroom from session "
            + (session.isEmpty() ? "?" : session) + " that this store did not know");
      } else {
        deleteOrphan(c, i, known);
      }
    }
    for (SpotVm vm : vms()) {
      if (seen.contains(vm.name()) || busy(vm.name())) {
        continue;
      }
      if (vm.state().active()) {
        follow(c, vm, Optional.empty(), " (found gone at start)");
      } else if (vm.state() == VmState.TERMINATING) {
        transition(vm.ended(VmState.DELETED, clock.instant(), "Deleted"), "Deleted (confirmed at start)");
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
      known.ifPresent(k -> event(k, "Deleting the leftover VM at start failed (" + why + "): " + e.userMessage()));
      return;
    }
    Instant now = clock.instant();
    String msg = "Orphan deleted at start (" + why + ")";
    if (known.isEmpty()) {
      transition(new SpotVm(i.name(), i.zone(), i.machineType().isEmpty() ? "unknown" : i.machineType(),
          VmState.DELETED, i.externalIp(), now, Optional.empty(), Optional.of(now),
          Duration.ofMinutes(gcp.maxRunDurationMinutes()), i.labels().getOrDefault(SESSION_LABEL, ""), msg), msg);
    } else if (known.get().state() == VmState.TERMINATING) {
      transition(known.get().ended(VmState.DELETED, now, msg), msg);
    } else {
      event(known.get(), msg);
    }
  }

  /** Being created or deleted right now by another thread: polling and reconciling leave it alone. */
  private synchronized boolean busy(String name) {
    return creating.containsKey(name) || terminating.containsKey(name);
  }

  private synchronized boolean terminating(String name, CompletableFuture<SpotVm> future) {
    return terminating.get(name) == future;
  }

  private synchronized Optional<String> cancelReason(String name) {
    return Optional.ofNullable(cancelRequested.get(name));
  }

  private Compute.VmSpec spec(SpotVm vm) {
    return new Compute.VmSpec(vm.name(), vm.zone(), gcp.machineType(), gcp.imageProject(), gcp.imageFamily(),
        gcp.diskSizeGb(), gcp.diskType(), vm.maxRunDuration(),
        Map.of(LABEL, LABEL_VALUE, SESSION_LABEL, sessionId), startupScript,
        Map.of(BACKEND_PORT_METADATA, String.valueOf(gcp.backendPort())), gcp.network());
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
    notifyListeners();
    return stored;
  }

  /** A timeline entry that keeps the state (an attempt, a note). */
  private SpotVm event(SpotVm vm, String message) {
    return transition(vm, message);
  }

  private void notifyListeners() {
    for (Runnable l : listeners) {
      try {
        l.run();
      } catch (RuntimeException ex) {
        LOG.warn("A Spot VM listener failed", ex); // one broken view must not stop the lifecycle
      }
    }
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
  public void close() {
    synchronized (this) {
      if (poller != null) {
        poller.cancel();
      }
    }
    synchronized (connectLock) {
      if (compute != null) {
        compute.close();
      }
    }
  }
}
