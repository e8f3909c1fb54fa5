package dev.headroom.ui.gateway;

import dev.headroom.core.Tasks;
import dev.headroom.gateway.Gateway;
import dev.headroom.gateway.RouteStats;
import dev.headroom.spot.SpotVm;
import dev.headroom.spot.VmState;
import dev.headroom.tunnel.TunnelStatus;
import dev.headroom.ui.Labels;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** Live route counters and the tunnel to the VM: polls every second while shown. Holds no Nodes. */
public final class RoutesViewModel {
  private final Gateway gateway;
  private final Tasks tasks;
  private final Executor fx;
  private final ObservableList<RouteStats> rows = FXCollections.observableArrayList();
  private final StringProperty header = new SimpleStringProperty("");
  private final StringProperty tunnel = new SimpleStringProperty("");
  private Tasks.Handle poll;

  private final Supplier<List<SpotVm>> vms;
  private final int backendPort;
  private final Supplier<List<TunnelStatus>> tunnels;

  public RoutesViewModel(Gateway gateway, Tasks tasks, Executor fx) {
    this(gateway, tasks, fx, List::of, 0, List::of);
  }

  /**
   * @param vms the managed VMs, to say why there is no cloud target
   * @param backendPort the VM backend port the gateway forwards to
   */
  public RoutesViewModel(Gateway gateway, Tasks tasks, Executor fx, Supplier<List<SpotVm>> vms, int backendPort) {
    this(gateway, tasks, fx, vms, backendPort, List::of);
  }

  /** @param tunnels the SSH tunnels to the running VMs (the cloud target's path) */
  public RoutesViewModel(Gateway gateway, Tasks tasks, Executor fx, Supplier<List<SpotVm>> vms, int backendPort,
      Supplier<List<TunnelStatus>> tunnels) {
    this.gateway = gateway;
    this.tasks = tasks;
    this.fx = fx;
    this.vms = vms;
    this.backendPort = backendPort;
    this.tunnels = tunnels;
  }

  /**
   * Where cloud traffic goes now, and when nowhere, why: no VM, a VM still starting, a running VM without an
   * external IP, its SSH tunnel not up, or a backend that does not answer its health check through the tunnel.
   */
  static String cloudTarget(Optional<URI> healthy, List<SpotVm> vms, int backendPort, List<TunnelStatus> tunnels) {
    if (healthy.isPresent()) {
      return "Spot VM through the SSH tunnel at " + healthy.get();
    }
    List<SpotVm> running = vms.stream().filter(v -> v.state() == VmState.RUNNING).toList();
    if (!running.isEmpty()) {
      SpotVm v = running.get(running.size() - 1);
      if (v.externalIp().isEmpty()) {
        return "none: " + v.name() + " runs but has no external IP yet";
      }
      Optional<TunnelStatus> t = tunnels.stream().filter(s -> s.vmName().equals(v.name())).findFirst();
      if (t.isEmpty() || t.get().state() != TunnelStatus.State.UP) {
        return "none: " + v.name() + " runs, but its SSH tunnel is "
            + t.map(s -> s.summary() + " (" + s.detail() + ")").orElse("not open yet");
      }
      return "none: " + v.name() + " runs, but its backend (127.0.0.1:" + backendPort
          + " on the VM, through the SSH tunnel) does not answer the health check";
    }
    Optional<SpotVm> starting = vms.stream().filter(v -> v.state().active()).findFirst();
    if (starting.isPresent()) {
      return "none: " + starting.get().name() + " is " + Labels.text(starting.get().state().name())
          .toLowerCase(java.util.Locale.ROOT);
    }
    return "none: no Spot VM is running, so cloud routes use their local URL";
  }

  static String tunnelLine(List<TunnelStatus> tunnels) {
    if (tunnels.isEmpty()) {
      return "SSH tunnel: no running VM";
    }
    return tunnels.stream().map(t -> "SSH tunnel to " + t.vmName() + ": " + t.summary()
        + (t.hostKeys().isEmpty() ? "" : ", host key " + t.hostKeys())
        + (t.state() == TunnelStatus.State.UP ? "" : " (" + t.detail() + ")"))
        .collect(Collectors.joining("\n"));
  }

  public void activate() {
    refresh();
    poll = tasks.every(Duration.ofSeconds(1), this::refresh);
  }

  public void deactivate() {
    if (poll != null) {
      poll.cancel();
    }
  }

  /** Reads the counters now (any thread). */
  public void refresh() {
    List<RouteStats> stats = gateway.stats();
    List<TunnelStatus> paths = tunnels.get();
    String head = "Gateway on " + gateway.address() + " — cloud target: "
        + cloudTarget(gateway.healthyCloud(), vms.get(), backendPort, paths);
    String path = tunnelLine(paths);
    fx.execute(() -> {
      rows.setAll(stats);
      header.set(head);
      tunnel.set(path);
    });
  }

  public ObservableList<RouteStats> rows() {
    return FXCollections.unmodifiableObservableList(rows);
  }

  public ReadOnlyStringProperty headerProperty() {
    return header;
  }

  /** One line per running VM: the tunnel's state, loopback port and pinned host key. */
  public ReadOnlyStringProperty tunnelProperty() {
    return tunnel;
  }
}
