package dev.headroom.ui.gateway;

import dev.headroom.core.Tasks;
import dev.headroom.gateway.Gateway;
import dev.headroom.gateway.RouteStats;
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

  public RoutesViewModel(Gateway gateway, Tasks tasks, Executor fx) {
    this.gateway = gateway;
    this.tasks = tasks;
    this.fx = fx;
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
        + gateway.healthyCloud().map(Object::toString).orElse("none (local only)");
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
