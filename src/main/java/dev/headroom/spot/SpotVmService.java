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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The lifecycle of the Spot VMs Headroom manages: create ({@link Provisioner}: zone fallback, idempotent retries),
 * watch ({@link LivePoller}: preemption at Compute Engine's time), terminate, the max-lifetime check, and
 * reconciliation at start ({@link Reconciler}). Every transition and attempt is stored and survives restarts.
 *
 * <p>Every Compute call runs on the {@code cloud} executor given here: a bounded pool of its own, never the tick pool
 * that samples memory and runs the engine (a hung endpoint must not stall them). Nothing here blocks the caller except
 * {@link #refresh()}, {@link #poll()} and {@link #reconcile()}, which are meant for background or CLI threads. Time
 * comes only from the injected {@link Clock}.
 *
 * <p>A terminate asked while the VM is still being created does not race the insert: it is recorded, creation
 * stops trying further zones, and a VM that did get created is deleted as soon as its insert completes.
 *
 * <pre>{@code
 * Tasks cloud = ExecutorTasks.create("headroom-cloud", 4);
 * SpotVmService spot = new SpotVmService(() -> GceCompute.connect(gcp, Polling.DEFAULT), gcp, store, clock, cloud, sid);
 * spot.start(Duration.ofSeconds(15));
 * spot.create("manual").thenAccept(vm -> System.out.println(vm.state()));
 * }</pre>
 */
public final class SpotVmService implements AutoCloseable {
  public static final String LABEL = "managed-by";
  public static final String LABEL_VALUE = "headroom";
  public static final String SESSION_LABEL = "headroom-session";
  /** Metadata key the startup script reads to know which port the gateway expects the backend on. */
  public static final String BACKEND_PORT_METADATA = "headroom-backend-port";
  /** Makes the guest environment publish the VM's SSH host keys as guest attributes (read to pin them). */
  public static final String GUEST_ATTRIBUTES_METADATA = "enable-guest-attributes";
  private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
      .withZone(ZoneOffset.UTC);
  /** A failed connection attempt (no credentials yet) is retried at most this often. */
  static final Duration RECONNECT_EVERY = CloudConnection.RECONNECT_EVERY;
  static final Duration LIFETIME_TOLERANCE = LivePoller.LIFETIME_TOLERANCE;
  /** After its limit plus this, a VM still there is deleted by Headroom (the engine's reaper normally is first). */
  static final Duration LIFETIME_GRACE = Duration.ofMinutes(1);

  private final GcpSettings gcp;
  private final Clock clock;
  private final Tasks cloud;
  private final String sessionId;
  private final String startupScript;
  private final Retry retry;
  private final VmBook book;
  private final CloudConnection connection;
  private final Provisioner provisioner;
  private final LivePoller poller;
  private final Reconciler reconciler;
  private final Map<String, CompletableFuture<SpotVm>> creating = new HashMap<>();
  private final Map<String, String> cancelRequested = new HashMap<>();
  private final Map<String, CompletableFuture<SpotVm>> terminating = new HashMap<>();
  private Tasks.Handle polling;
  private volatile Function<String, Map<String, String>> vmMetadata = name -> Map.of();

  /**
   * @param computeFactory creates the Compute client; called once, lazily, on a cloud thread; throws
   *     {@link AppException} with the how-to-connect message when it cannot connect
   * @param cloud the executor for every Compute call and the poll: its own bounded pool, never the tick pool
   * @param sessionId this run's id, put on every VM as the {@code headroom-session} label
   */
  public SpotVmService(Supplier<Compute> computeFactory, GcpSettings gcp, SpotStore store, Clock clock, Tasks cloud,
      String sessionId) {
    this(computeFactory, gcp, store, clock, cloud, sessionId, Retry.DEFAULT);
  }

  SpotVmService(Supplier<Compute> computeFactory, GcpSettings gcp, SpotStore store, Clock clock, Tasks cloud,
      String sessionId, Retry retry) {
    this.gcp = gcp;
    this.clock = clock;
    this.cloud = cloud;
    this.sessionId = sessionId;
    this.retry = retry;
    this.startupScript = loadStartupScript();
    this.book = new VmBook(store, clock);
    this.connection = new CloudConnection(computeFactory, gcp, clock, book::notifyListeners);
    this.provisioner = new Provisioner(gcp, book, clock, retry, this::spec);
    this.poller = new LivePoller(book, clock, this::busy);
    this.reconciler = new Reconciler(gcp, book, poller, clock, this::busy);
  }

  /** Connects and reconciles on the cloud executor, then polls live VMs every {@code every} there. */
  public void start(Duration every) {
    cloud.run(() -> connection.compute().ifPresent(reconciler::reconcile));
    synchronized (this) {
      polling = cloud.every(every, this::refresh);
    }
  }

  /** Whether Google Cloud is reachable, and if not, how to connect. */
  public CloudStatus cloudStatus() {
    return connection.status();
  }

  /** Why cloud actions are unavailable (with how to connect), or empty when connected or not yet checked. */
  public Optional<String> notConnectedReason() {
    CloudStatus s = cloudStatus();
    return s.state() == CloudStatus.State.NOT_CONNECTED ? Optional.of(s.message()) : Optional.empty();
  }

  /** Every VM Headroom knows, oldest first. */
  public List<SpotVm> vms() {
    return book.vms();
  }

  public Optional<SpotVm> vm(String name) {
    return book.vm(name);
  }

  /** The VM's timeline, oldest first (read from the store). */
  public List<VmEvent> events(String name) {
    return book.events(name);
  }

  /** Requested, provisioning or running VMs. */
  public int activeOrPending() {
    return (int) book.vms().stream().filter(v -> v.state().active()).count();
  }

  public Optional<Instant> lastCreateAt() {
    return book.lastCreateAt();
  }

  /** The most recently started RUNNING VM with an external IP (the gateway's cloud target). */
  public Optional<SpotVm> runningVm() {
    return book.vms().stream().filter(v -> v.state() == VmState.RUNNING && !v.externalIp().isEmpty())
        .reduce((a, b) -> b);
  }

  /**
   * Calls {@code onChange} (on a background thread) after every transition, timeline entry and change of
   * {@link #cloudStatus()}; returns a remover.
   */
  public Runnable addListener(Runnable onChange) {
    return book.addListener(onChange);
  }

  /**
   * Extra instance metadata for each VM created from now on, by VM name (the tunnel's {@code ssh-keys}). Called on
   * a cloud thread just before the insert.
   */
  public void setVmMetadata(Function<String, Map<String, String>> perVm) {
    this.vmMetadata = java.util.Objects.requireNonNull(perVm);
  }

  /** Adds an entry to the VM's timeline without changing its state (the tunnel's host-key and link status). */
  public void note(String name, String message) {
    book.vm(name).ifPresent(vm -> book.note(name, vm.state(), message));
  }

  /**
   * The VM's guest attributes under {@code queryPath} (blocking; background threads only); empty while its guest
   * environment has not published them yet. Throws {@link AppException} when Compute Engine cannot answer.
   */
  public Optional<List<Compute.GuestAttribute>> guestAttributes(String name, String queryPath) {
    SpotVm vm = book.vm(name).orElseThrow(() -> new AppException("No VM named " + name + " is managed by Headroom"));
    return connection.require().guestAttributes(vm.zone(), name, queryPath);
  }

  /** {@link #create(String, Consumer)} without watching the timeline. */
  public CompletableFuture<SpotVm> create(String reason) {
    return create(reason, e -> { });
  }

  /**
   * Requests a VM of the configured shape. The REQUESTED record exists when this returns; creation (each configured
   * zone in turn on stockout or quota, retries of the same request on 5xx or timeouts) runs on the cloud executor.
   * The future completes with the VM in its resulting state (RUNNING, PROVISIONING when created but not running
   * yet, FAILED, or DELETED when terminated meanwhile), or exceptionally with the how-to-connect message when Google
   * Cloud is known not to be connected.
   *
   * @param onEvent hears each entry of this VM's timeline as it is written (zone tried and why, state), from the
   *     moment it is requested until the future completes
   */
  public CompletableFuture<SpotVm> create(String reason, Consumer<VmEvent> onEvent) {
    if (connection.knownUnavailable()) {
      return CompletableFuture.failedFuture(new AppException(cloudStatus().message()));
    }
    Instant now = clock.instant();
    String name = "headroom-" + NAME_TIME.format(now) + "-"
        + String.format(Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(0x10000));
    SpotVm vm = new SpotVm(name, gcp.zones().get(0), gcp.machineType(), VmState.REQUESTED, "", now,
        Optional.empty(), Optional.empty(), Duration.ofMinutes(gcp.maxRunDurationMinutes()), sessionId, reason);
    CompletableFuture<SpotVm> result = new CompletableFuture<>();
    synchronized (this) {
      book.createdAt(now);
      creating.put(name, result);
    }
    Runnable unwatch = book.watch(name, onEvent);
    result.whenComplete((v, e) -> unwatch.run());
    book.transition(vm, "Requested " + gcp.machineType() + ": " + reason);
    cloud.submit(() -> provision(vm)).whenComplete((done, error) -> {
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
      c = connection.require();
    } catch (AppException e) {
      return book.transition(requested.ended(VmState.FAILED, clock.instant(), e.userMessage()), e.userMessage());
    }
    return provisioner.provision(c, requested, () -> cancelReason(requested.name()));
  }

  /**
   * Deletes one VM (TERMINATING, then DELETED), sending the delete again with the same requestId after a 5xx or a
   * timeout; a VM already gone (404) counts as deleted. Asking again while it is being deleted returns the same
   * future; asking while it is still being created makes creation delete it as soon as the insert completes. An
   * unknown name fails at once and touches nothing.
   */
  public CompletableFuture<SpotVm> terminate(String name, String reason) {
    SpotVm vm;
    CompletableFuture<SpotVm> result;
    synchronized (this) {
      vm = book.vm(name).orElse(null);
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
    if (!isTerminating(name, result)) {
      // The creating thread owns the VM's row: only note the request; creation completes the terminate.
      book.note(name, vm.state(),
          "Terminate asked while creating (" + reason + "): deleting as soon as the insert completes");
      return result;
    }
    SpotVm asked = book.transition(vm.with(VmState.TERMINATING, "Terminating: " + reason), "Terminating: " + reason);
    cloud.submit(() -> {
      String requestId = UUID.randomUUID().toString();
      try {
        Compute c = connection.require();
        retry.run(() -> c.delete(asked.zone(), asked.name(), requestId), (e, pause) -> book.event(asked,
            "Delete: " + e.userMessage() + "; sending it again (requestId " + requestId + ") in "
                + Retry.seconds(pause)));
        return book.transition(asked.ended(VmState.DELETED, clock.instant(), "Deleted"), "Deleted (" + reason + ")");
      } catch (AppException e) {
        // Still there (or unknown): back to what it was, with the reason, so the user can retry.
        book.transition(asked.with(vm.state(), "Delete failed: " + e.userMessage()),
            "Delete failed: " + e.userMessage());
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
   * The app's background poll (blocking; the cloud executor runs it): {@link #poll()}, then deletes VMs that
   * stopped for good and enforces the max lifetime (a VM still there {@link #LIFETIME_GRACE} after its max run
   * duration is deleted). A failed poll is logged and retried next time.
   */
  public void refresh() {
    Optional<Compute> c = connection.compute();
    if (c.isEmpty()) {
      return;
    }
    poller.poll(c.get(), true);
    Instant now = clock.instant();
    for (SpotVm vm : vms()) {
      if (vm.state() == VmState.RUNNING && !busy(vm.name())
          && !now.isBefore(vm.maxLifetimeAt().plus(LIFETIME_GRACE))) {
        terminate(vm.name(), "reached its max run duration of " + vm.maxRunDuration().toMinutes() + " min");
      }
    }
  }

  /**
   * A read-only poll (blocking): every PROVISIONING or RUNNING VM takes its live state (a preempted VM still
   * STOPPING shows PREEMPTED); nothing is deleted, adopted or terminated. Returns why Compute Engine could not be
   * reached (or how to connect), empty when every VM was polled.
   */
  public Optional<String> poll() {
    Optional<Compute> c = connection.compute();
    if (c.isEmpty()) {
      return Optional.of(notConnectedReason().orElse("Google Cloud unavailable"));
    }
    return poller.poll(c.get(), false);
  }

  /**
   * Matches the store with what Compute Engine has: adopt, update or delete (see {@link Reconciler}). Blocking;
   * throws {@link AppException} when Google Cloud is not connected. Only the app's start runs it.
   */
  public void reconcile() {
    reconciler.reconcile(connection.require());
  }

  /** Being created or deleted right now by another thread: polling and reconciling leave it alone. */
  private synchronized boolean busy(String name) {
    return creating.containsKey(name) || terminating.containsKey(name);
  }

  private synchronized boolean isTerminating(String name, CompletableFuture<SpotVm> future) {
    return terminating.get(name) == future;
  }

  private synchronized Optional<String> cancelReason(String name) {
    return Optional.ofNullable(cancelRequested.get(name));
  }

  private Compute.VmSpec spec(SpotVm vm) {
    Map<String, String> metadata = new java.util.TreeMap<>(vmMetadata.apply(vm.name()));
    metadata.put(BACKEND_PORT_METADATA, String.valueOf(gcp.backendPort()));
    metadata.put(GUEST_ATTRIBUTES_METADATA, "TRUE");
    return new Compute.VmSpec(vm.name(), vm.zone(), gcp.machineType(), gcp.imageProject(), gcp.imageFamily(),
        gcp.diskSizeGb(), gcp.diskType(), vm.maxRunDuration(),
        Map.of(LABEL, LABEL_VALUE, SESSION_LABEL, sessionId), startupScript, metadata, gcp.network());
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
      if (polling != null) {
        polling.cancel();
      }
    }
    connection.close();
  }
}
