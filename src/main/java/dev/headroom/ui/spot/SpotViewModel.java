package dev.headroom.ui.spot;

import dev.headroom.core.AppException;
import dev.headroom.core.Tasks;
import dev.headroom.spot.SpotVm;
import dev.headroom.spot.SpotVmService;
import dev.headroom.spot.VmEvent;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The Spot VM panel's state and commands. Service calls run on {@link Tasks}; results reach the properties through
 * {@code fx} (Platform::runLater in the app, a direct executor in plain-JUnit tests). Holds no Nodes.
 */
public final class SpotViewModel {
  private final SpotVmService spot;
  private final Function<String, Optional<BigDecimal>> hourlyPrice;
  private final Tasks tasks;
  private final Executor fx;
  private final Clock clock;
  private final ObservableList<SpotRow> rows = FXCollections.observableArrayList();
  private final Map<String, SpotRow> byName = new HashMap<>();
  private final ObservableList<VmEvent> timeline = FXCollections.observableArrayList();
  private final BooleanProperty busy = new SimpleBooleanProperty();
  private final StringProperty message = new SimpleStringProperty("");
  private final StringProperty notConnected = new SimpleStringProperty("");
  private String selected;
  private Runnable unsubscribe = () -> {};
  private Tasks.Handle ticker;

  public SpotViewModel(SpotVmService spot, Function<String, Optional<BigDecimal>> hourlyPrice, Tasks tasks,
      Executor fx, Clock clock) {
    this.spot = spot;
    this.hourlyPrice = hourlyPrice;
    this.tasks = tasks;
    this.fx = fx;
    this.clock = clock;
  }

  public void activate() {
    unsubscribe = spot.addListener(this::reload);
    reload();
    ticker = tasks.every(Duration.ofSeconds(1), () -> fx.execute(this::tick));
  }

  public void deactivate() {
    unsubscribe.run();
    if (ticker != null) {
      ticker.cancel();
    }
  }

  /** The shape, zone list and price that Create would use, for the confirmation. */
  public String createSummary(String machineType, String zones) {
    return machineType + " Spot VM in " + zones + " at " + hourlyPrice.apply(machineType)
        .map(p -> "$" + p.setScale(4, RoundingMode.HALF_UP).toPlainString() + "/h").orElse("an unknown price");
  }

  public CompletableFuture<Void> create() {
    return run("Creating a Spot VM…", () -> {
      SpotVm vm = spot.create("requested from the dashboard").join();
      return vm.state().name().equals("FAILED") ? "Create failed: " + vm.lastMessage()
          : vm.name() + " is " + vm.state();
    });
  }

  public CompletableFuture<Void> terminate(String name) {
    return run("Terminating " + name + "…", () -> {
      SpotVm vm = spot.terminate(name, "requested from the dashboard").join();
      return vm.name() + " is " + vm.state();
    });
  }

  public CompletableFuture<Void> terminateAll() {
    return run("Terminating all VMs…", () -> {
      spot.terminateAll("requested from the dashboard").join();
      return "All VMs terminated";
    });
  }

  /** Shows {@code name}'s timeline. */
  public void select(String name) {
    selected = name;
    if (name == null) {
      fx.execute(timeline::clear);
      return;
    }
    tasks.run(() -> {
      List<VmEvent> events = spot.events(name);
      fx.execute(() -> timeline.setAll(events));
    });
  }

  private CompletableFuture<Void> run(String progress, java.util.function.Supplier<String> work) {
    fx.execute(() -> {
      busy.set(true);
      message.set(progress);
    });
    return tasks.submit(() -> {
      String done;
      try {
        done = work.get();
      } catch (CompletionException | AppException e) {
        Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        done = c instanceof AppException a ? a.userMessage() : String.valueOf(c.getMessage());
      }
      String text = done;
      fx.execute(() -> {
        busy.set(false);
        message.set(text);
      });
      return null;
    });
  }

  private void reload() {
    List<SpotVm> vms = spot.vms();
    String reason = spot.notConnectedReason().orElse("");
    fx.execute(() -> {
      notConnected.set(reason);
      for (SpotVm vm : vms) {
        SpotRow row = byName.get(vm.name());
        if (row == null) {
          row = new SpotRow(vm);
          byName.put(vm.name(), row);
          rows.add(0, row);
        }
        row.vm(vm);
      }
      tick();
      if (selected != null) {
        select(selected);
      }
    });
  }

  // Every second: clocks and cost columns, in place.
  void tick() {
    Instant now = clock.instant();
    for (SpotRow r : rows) {
      SpotVm vm = r.vm();
      r.state.set(vm.state().name());
      r.zone.set(vm.zone());
      r.ip.set(vm.externalIp().isEmpty() ? "—" : vm.externalIp());
      r.uptime.set(duration(vm.uptime(now)));
      r.timeLeft.set(vm.state().ended() ? "—" : duration(vm.timeLeft(now)));
      Optional<BigDecimal> price = hourlyPrice.apply(vm.machineType());
      r.perHour.set(price.map(p -> "$" + p.setScale(4, RoundingMode.HALF_UP).toPlainString()).orElse("—"));
      r.cost.set(price.map(p -> "$" + p.multiply(BigDecimal.valueOf(vm.uptime(now).toSeconds()))
          .divide(BigDecimal.valueOf(3600), 4, RoundingMode.HALF_UP).toPlainString()).orElse("—"));
    }
  }

  static String duration(Duration d) {
    long s = d.toSeconds();
    return String.format("%d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60);
  }

  public ObservableList<SpotRow> rows() {
    return FXCollections.unmodifiableObservableList(rows);
  }

  public ObservableList<VmEvent> timeline() {
    return FXCollections.unmodifiableObservableList(timeline);
  }

  public ReadOnlyBooleanProperty busyProperty() {
    return busy;
  }

  public ReadOnlyStringProperty messageProperty() {
    return message;
  }

  public ReadOnlyStringProperty notConnectedProperty() {
    return notConnected;
  }
}
