package dev.headroom.ui.gateway;

import dev.headroom.core.Tasks;
import dev.headroom.gateway.Gateway;
import dev.headroom.gateway.RouteStats;
import dev.headroom.spot.SpotVm;
import dev.headroom.spot.VmState;
import dev.headroom.ui.Labels;
import java.net.URI;
import java.util.Optional;
import java.util.function.Supplier;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** Live route counters: polls the gateway every second while shown. Holds no Nodes. */
public final class RoutesViewModel {
  private final Gateway gateway;
  private final Tasks tasks;
  private final Executor fx;
  private final ObservableList<RouteStats> rows = FXCollections.observableArrayList();
  private final StringProperty header = new SimpleStringProperty("");
  private Tasks.Handle poll;

  private final Supplier<List<SpotVm>> vms;
  private final int backendPort;

  public RoutesViewModel(Gateway gateway, Tasks tasks, Executor fx) {
    this(gateway, tasks, fx, List::of, 0);
  }

  /**
   * @param vms the managed VMs, to say why there is no cloud target
   * @param backendPort the VM backend port the gateway forwards to
   */
  public RoutesViewModel(Gateway gateway, Tasks tasks, Executor fx, Supplier<List<SpotVm>> vms, int backendPort) {
    this.gateway = gateway;
    this.tasks = tasks;
    this.fx = fx;
    this.vms = vms;
    this.backendPort = backendPort;
  }

  /**
   * Where cloud traffic goes now, and when nowhere, why: no VM, a VM still starting, a running VM without an
   * external IP, or a running VM whose backend does not answer its health check.
   */
  static String cloudTarget(Optional<URI> healthy, List<SpotVm> vms, int backendPort) {
    if (healthy.isPresent()) {
      return "Spot VM at " + healthy.get();
    }
    List<SpotVm> running = vms.stream().filter(v -> v.state() == VmState.RUNNING).toList();
    if (!running.isEmpty()) {
      SpotVm v = running.get(0);
      if (v.externalIp().isEmpty()) {
        return "none: " + v.name() + " runs but has no external IP yet";
      }
      return "none: " + v.name() + " runs, but its backend " + v.externalIp() + ":" + backendPort
          + " does not answer the health check (nothing listening, or the firewall closes the port)";
    }
    Optional<SpotVm> starting = vms.stream().filter(v -> v.state().active()).findFirst();
    if (starting.isPresent()) {
      return "none: " + starting.get().name() + " is " + Labels.text(starting.get().state().name())
          .toLowerCase(java.util.Locale.ROOT);
    }
    return "none: no Spot VM is running, so cloud routes use their local URL";
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
    String head = "Gateway on " + gateway.address() + " — cloud target: "
        + cloudTarget(gateway.healthyCloud(), vms.get(), backendPort);
    fx.execute(() -> {
      rows.setAll(stats);
      header.set(head);
    });
  }

  public ObservableList<RouteStats> rows() {
    return FXCollections.unmodifiableObservableList(rows);
  }

  public ReadOnlyStringProperty headerProperty() {
    return header;
  }
}
