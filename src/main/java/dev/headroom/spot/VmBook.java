package dev.headroom.spot;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VMs Headroom knows, as last known, and their timelines: every transition and note is stored (vm_sessions,
 * vm_events) before listeners hear of it. Shared by the lifecycle parts (creation, polling, reconciliation).
 */
final class VmBook {
  private static final Logger LOG = LoggerFactory.getLogger(VmBook.class);

  private final SpotStore store;
  private final Clock clock;
  private final Map<String, SpotVm> vms = new LinkedHashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final Map<String, Consumer<VmEvent>> watchers = new ConcurrentHashMap<>();
  private Instant lastCreateAt;

  VmBook(SpotStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
    for (SpotVm vm : store.loadVms()) {
      vms.put(vm.name(), vm);
      if (lastCreateAt == null || vm.requestedAt().isAfter(lastCreateAt)) {
        lastCreateAt = vm.requestedAt();
      }
    }
  }

  synchronized List<SpotVm> vms() {
    return new ArrayList<>(vms.values());
  }

  synchronized Optional<SpotVm> vm(String name) {
    return Optional.ofNullable(vms.get(name));
  }

  synchronized Optional<Instant> lastCreateAt() {
    return Optional.ofNullable(lastCreateAt);
  }

  synchronized void createdAt(Instant t) {
    lastCreateAt = t;
  }

  List<VmEvent> events(String name) {
    return store.loadEvents(name);
  }

  /** Stores the VM in its new state with {@code message} as its latest event, then tells listeners. */
  SpotVm transition(SpotVm vm, String message) {
    VmEvent e = new VmEvent(clock.instant(), vm.name(), vm.state(), message);
    SpotVm stored = new SpotVm(vm.name(), vm.zone(), vm.machineType(), vm.state(), vm.externalIp(),
        vm.requestedAt(), vm.runningSince(), vm.endedAt(), vm.maxRunDuration(), vm.sessionId(), message);
    store.save(stored, e);
    synchronized (this) {
      vms.put(vm.name(), stored);
    }
    LOG.info("VM {} {}: {}", vm.name(), vm.state(), message);
    tell(e);
    return stored;
  }

  /** A timeline entry that keeps the state (an attempt, a retry, a note). */
  SpotVm event(SpotVm vm, String message) {
    return transition(vm, message);
  }

  /** A timeline entry that does not touch the VM's row (while another thread owns it). */
  void note(String name, VmState state, String message) {
    VmEvent e = new VmEvent(clock.instant(), name, state, message);
    store.appendEvent(e);
    tell(e);
  }

  Runnable addListener(Runnable onChange) {
    listeners.add(onChange);
    return () -> listeners.remove(onChange);
  }

  /** {@code onEvent} hears every timeline entry of {@code name} until removed. */
  Runnable watch(String name, Consumer<VmEvent> onEvent) {
    watchers.put(name, onEvent);
    return () -> watchers.remove(name, onEvent);
  }

  private void tell(VmEvent e) {
    Consumer<VmEvent> w = watchers.get(e.vmName());
    if (w != null) {
      try {
        w.accept(e);
      } catch (RuntimeException ex) {
        LOG.warn("A VM event watcher failed", ex);
      }
    }
    notifyListeners();
  }

  void notifyListeners() {
    for (Runnable l : listeners) {
      try {
        l.run();
      } catch (RuntimeException ex) {
        LOG.warn("A Spot VM listener failed", ex); // one broken view must not stop the lifecycle
      }
    }
  }
}
