package dev.headroom.tunnel;

import dev.headroom.core.AppException;
import dev.headroom.core.Tasks;
import dev.headroom.spot.Compute;
import dev.headroom.spot.SpotVm;
import dev.headroom.spot.SpotVmService;
import dev.headroom.spot.VmState;
import java.net.URI;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The private path to each RUNNING VM: gives every new VM its own login key ({@code ssh-keys} metadata), and once
 * the VM runs reads its SSH host keys from guest attributes through the Compute API (retrying while the guest
 * environment has not published them), pins them, and keeps an {@link SshTunnel} open to the VM's backend port,
 * reconnecting with backoff. {@link #backend()} is the gateway's cloud target: the loopback end of the newest VM's
 * open tunnel, or empty while none is up (routes then fall back as for a lost VM). Host-key and link events go to the
 * VM's timeline; a VM that ends loses its tunnel and its key.
 *
 * <pre>{@code
 * TunnelManager tunnels = new TunnelManager(spot, VmKeys.inDirectory(dataDir.resolve("vm-keys")), gcp.sshPort(),
 *     gcp.backendPort(), tasks, clock, TunnelManager.Timing.DEFAULT);
 * spot.setVmMetadata(tunnels::metadataFor);
 * tunnels.start();
 * Gateway gw = new Gateway(settings.gateway(), tunnels::backend, ...);
 * }</pre>
 */
public final class TunnelManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TunnelManager.class);
  /** The instance metadata key the guest environment installs login keys from. */
  public static final String SSH_KEYS_METADATA = "ssh-keys";

  /** Backoff between attempts (doubling from {@code firstRetry} to {@code maxRetry}) and the SSH timeouts. */
  public record Timing(Duration firstRetry, Duration maxRetry, Duration connectTimeout) {
    public static final Timing DEFAULT = new Timing(Duration.ofSeconds(2), Duration.ofSeconds(30),
        Duration.ofSeconds(15));
  }

  private final SpotVmService spot;
  private final VmKeys keys;
  private final int sshPort;
  private final int backendPort;
  private final Tasks tasks;
  private final Clock clock;
  private final Timing timing;
  private final Map<String, Link> links = new LinkedHashMap<>(); // guarded by this; oldest VM first
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile Optional<URI> backend = Optional.empty();
  private volatile boolean closed;
  private boolean cleanedKeys;
  private final Set<String> forgotten = new HashSet<>(); // ended VMs whose key is already gone
  private Runnable unsubscribe = () -> { };

  /** The tunnel of one VM; every field is guarded by the Link's monitor. */
  private final class Link {
    final String vm;
    final String ip;
    TunnelStatus status;
    HostKeyPinning pins;
    SshTunnel tunnel;
    int failures;
    String lastNote = "";
    volatile boolean closed;
    Tasks.Handle retry;

    Link(String vm, String ip) {
      this.vm = vm;
      this.ip = ip;
      this.status = new TunnelStatus(vm, TunnelStatus.State.WAITING_FOR_HOST_KEYS, Optional.empty(), "",
          "waiting for the VM's SSH host keys", clock.instant());
    }
  }

  public TunnelManager(SpotVmService spot, VmKeys keys, int sshPort, int backendPort, Tasks tasks, Clock clock,
      Timing timing) {
    this.spot = spot;
    this.keys = keys;
    this.sshPort = sshPort;
    this.backendPort = backendPort;
    this.tasks = tasks;
    this.clock = clock;
    this.timing = timing;
  }

  /** The metadata a new VM needs for the tunnel: its login key as {@code headroom:ssh-ed25519 AAAA... headroom}. */
  public Map<String, String> metadataFor(String vmName) {
    return Map.of(SSH_KEYS_METADATA, keys.sshKeysMetadata(vmName));
  }

  /** Follows the Spot VMs from now on (and drops key files of VMs that no longer run). */
  public void start() {
    unsubscribe = spot.addListener(() -> {
      if (!closed) {
        tasks.run(this::sync);
      }
    });
    tasks.run(this::sync);
  }

  /** The gateway's cloud target: {@code http://127.0.0.1:<port>} of the newest VM's open tunnel. */
  public Optional<URI> backend() {
    return backend;
  }

  /** The tunnels of the RUNNING VMs, oldest first. */
  public synchronized List<TunnelStatus> statuses() {
    List<TunnelStatus> out = new ArrayList<>();
    for (Link l : links.values()) {
      synchronized (l) {
        out.add(l.status);
      }
    }
    return out;
  }

  /** Calls {@code onChange} (on a background thread) whenever a tunnel's status changes; returns a remover. */
  public Runnable addListener(Runnable onChange) {
    listeners.add(onChange);
    return () -> listeners.remove(onChange);
  }

  /** Opens tunnels to newly RUNNING VMs, closes those of VMs that stopped running, forgets keys of ended VMs. */
  synchronized void sync() {
    if (closed) {
      return;
    }
    List<SpotVm> vms = spot.vms();
    Set<String> running = new HashSet<>();
    Set<String> alive = new HashSet<>();
    for (SpotVm vm : vms) {
      if (!vm.state().ended()) {
        alive.add(vm.name());
      }
      if (vm.state() != VmState.RUNNING || vm.externalIp().isEmpty()) {
        continue;
      }
      running.add(vm.name());
      Link l = links.get(vm.name());
      if (l != null && !l.ip.equals(vm.externalIp())) {
        closeLater(l);
        links.remove(vm.name());
        l = null;
      }
      if (l == null) {
        Link fresh = new Link(vm.name(), vm.externalIp());
        links.put(vm.name(), fresh);
        tasks.run(() -> attempt(fresh));
      }
    }
    for (var it = links.values().iterator(); it.hasNext(); ) {
      Link l = it.next();
      if (!running.contains(l.vm)) {
        closeLater(l);
        it.remove();
      }
    }
    if (!cleanedKeys) {
      keys.retainOnly(alive); // keys of VMs deleted while Headroom was not running
      vms.stream().filter(v -> v.state().ended()).forEach(v -> forgotten.add(v.name()));
      cleanedKeys = true;
    } else {
      for (SpotVm vm : vms) {
        if (vm.state().ended() && forgotten.add(vm.name())) {
          keys.forget(vm.name());
        }
      }
    }
    updateBackend();
  }

  private void attempt(Link l) {
    tryConnect(l);
    changed();
  }

  private void tryConnect(Link l) {
    synchronized (l) {
      if (l.closed || closed) {
        return;
      }
      l.retry = null;
      if (l.pins == null && !readHostKeys(l)) {
        return;
      }
      Optional<KeyPair> login = keys.existing(l.vm);
      if (login.isEmpty()) {
        set(l, TunnelStatus.State.REFUSED, "Headroom has no SSH key for this VM on this machine (it was created"
            + " elsewhere or its key was lost): cloud routes stay local");
        note(l, "No tunnel: Headroom has no SSH key for this VM on this machine; cloud routes stay local");
        return;
      }
      set(l, TunnelStatus.State.CONNECTING, "connecting to " + l.ip + ":" + sshPort);
      SshTunnel t;
      try {
        t = SshTunnel.open(l.ip, sshPort, login.get(), l.pins, backendPort, timing.connectTimeout(),
            why -> tasks.run(() -> dropped(l, why)));
      } catch (SshTunnel.TunnelException e) {
        failed(l, e);
        return;
      }
      if (l.closed) { // the VM stopped running while we connected
        t.close();
        return;
      }
      l.tunnel = t;
      l.failures = 0;
      int port = t.localAddress().getPort();
      l.status = new TunnelStatus(l.vm, TunnelStatus.State.UP, Optional.of(port), l.pins.describe(),
          "127.0.0.1:" + port + " -> 127.0.0.1:" + backendPort + " on the VM", clock.instant());
      note(l, "Tunnel up: 127.0.0.1:" + port + " -> the VM's 127.0.0.1:" + backendPort + " over SSH (" + l.ip + ":"
          + sshPort + ", pinned host key)");
    }
  }

  /** Reads and pins the VM's host keys; false (with a retry scheduled) while they are not available. */
  private boolean readHostKeys(Link l) {
    Optional<List<Compute.GuestAttribute>> attrs;
    try {
      attrs = spot.guestAttributes(l.vm, HostKeyPinning.QUERY_PATH);
    } catch (AppException e) {
      set(l, TunnelStatus.State.WAITING_FOR_HOST_KEYS, "reading host keys failed: " + e.userMessage());
      note(l, "Reading the VM's SSH host keys failed (" + e.userMessage() + "); retrying");
      retry(l, false);
      return false;
    }
    if (attrs.isEmpty()) {
      set(l, TunnelStatus.State.WAITING_FOR_HOST_KEYS, "the guest environment has not published them yet");
      note(l, "Waiting for the VM's guest environment to publish its SSH host keys (guest attributes hostkeys/)");
      retry(l, false);
      return false;
    }
    HostKeyPinning pins = HostKeyPinning.fromGuestAttributes(attrs.get());
    if (pins.isEmpty()) {
      String msg = "The VM published no usable SSH host key" + (pins.skipped().isEmpty() ? ""
          : " (skipped " + String.join(", ", pins.skipped()) + ")") + "; no other key is trusted";
      set(l, TunnelStatus.State.WAITING_FOR_HOST_KEYS, msg);
      note(l, msg);
      retry(l, false);
      return false;
    }
    l.pins = pins;
    note(l, "Pinned the SSH host key" + (pins.describe().contains(",") ? "s" : "") + " the VM published: "
        + pins.describe());
    return true;
  }

  private void failed(Link l, SshTunnel.TunnelException e) {
    switch (e.kind) {
      case HOST_KEY_MISMATCH -> {
        set(l, TunnelStatus.State.REFUSED, "host key mismatch: " + e.getMessage());
        note(l, "Host key mismatch, connection refused: " + e.getMessage());
        LOG.error("VM {}: host key mismatch, connection refused: {}", l.vm, e.getMessage());
        l.pins = null; // read the published keys again before any new attempt
        retry(l, true);
      }
      case AUTH_REFUSED -> {
        set(l, TunnelStatus.State.DOWN, e.getMessage());
        note(l, "SSH login refused: " + e.getMessage() + "; retrying (the guest environment installs the key"
            + " shortly after boot; a project with OS Login enabled ignores ssh-keys metadata)");
        retry(l, false);
      }
      case UNREACHABLE -> {
        set(l, TunnelStatus.State.DOWN, e.getMessage());
        note(l, "Tunnel not up: " + e.getMessage() + "; retrying (SSH must be allowed to the VM on tcp:" + sshPort
            + ")");
        retry(l, false);
      }
    }
  }

  private void dropped(Link l, String why) {
    synchronized (l) {
      if (l.closed || l.tunnel == null) {
        return;
      }
      l.tunnel.close();
      l.tunnel = null;
      set(l, TunnelStatus.State.DOWN, "dropped: " + why);
      note(l, "Tunnel dropped (" + why + "); cloud routes fall back until it reconnects");
      retry(l, false);
    }
    changed();
  }

  /** Schedules the next attempt: doubling backoff, or the longest wait after a refusal. */
  private void retry(Link l, boolean longest) {
    long factor = 1L << Math.min(l.failures, 20);
    Duration wait = longest ? timing.maxRetry() : timing.firstRetry().multipliedBy(factor);
    if (wait.compareTo(timing.maxRetry()) > 0) {
      wait = timing.maxRetry();
    }
    l.failures++;
    l.retry = tasks.after(wait, () -> attempt(l));
  }

  private void set(Link l, TunnelStatus.State state, String detail) {
    l.status = new TunnelStatus(l.vm, state, Optional.empty(), l.pins == null ? "" : l.pins.describe(), detail,
        state == l.status.state() ? l.status.since() : clock.instant());
  }

  // One timeline entry per new message: a tunnel retrying for minutes does not flood the timeline.
  private void note(Link l, String message) {
    if (!message.equals(l.lastNote)) {
      l.lastNote = message;
      spot.note(l.vm, message);
    }
  }

  // Off the caller's thread: a link may be in the middle of a connect that takes seconds.
  private void closeLater(Link l) {
    l.closed = true;
    tasks.run(() -> close(l));
  }

  private void close(Link l) {
    l.closed = true;
    synchronized (l) {
      if (l.retry != null) {
        l.retry.cancel();
      }
      if (l.tunnel != null) {
        l.tunnel.close();
        l.tunnel = null;
      }
    }
  }

  private void changed() {
    synchronized (this) {
      updateBackend();
    }
    for (Runnable r : listeners) {
      try {
        r.run();
      } catch (RuntimeException e) {
        LOG.warn("A tunnel listener failed", e);
      }
    }
  }

  // Newest VM with an open tunnel first.
  private void updateBackend() {
    Optional<URI> found = Optional.empty();
    List<Link> newestFirst = new ArrayList<>(links.values());
    java.util.Collections.reverse(newestFirst);
    for (Link l : newestFirst) {
      synchronized (l) {
        if (l.tunnel != null && l.tunnel.isOpen()) {
          found = Optional.of(URI.create("http://127.0.0.1:" + l.tunnel.localAddress().getPort()));
          break;
        }
      }
    }
    backend = found;
  }

  @Override
  public void close() {
    List<Link> all;
    synchronized (this) {
      closed = true;
      unsubscribe.run();
      all = new ArrayList<>(links.values());
      links.clear();
      backend = Optional.empty();
    }
    all.forEach(this::close);
  }
}
