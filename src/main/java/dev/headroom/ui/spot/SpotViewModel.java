package dev.headroom.ui.spot;

import dev.headroom.core.AppException;
import dev.headroom.core.Tasks;
import dev.headroom.spot.SpotVm;
import dev.headroom.spot.SpotVmService;
import dev.headroom.spot.VmEvent;
import dev.headroom.spot.VmState;
import dev.headroom.ui.Format;
import dev.headroom.ui.Labels;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The Spot VM panel's state and commands; holds no Nodes. Every service call and price lookup runs on
 * {@link Tasks}; results reach the properties through {@code fx} ({@code Platform::runLater} in the app, any
 * single thread in plain-JUnit tests), so the FX thread never waits on Compute Engine, H2 or the price catalog.
 * Rows are updated in place every second (uptime, time left, cost so far) and on every VM change.
 *
 * <pre>{@code
 * SpotViewModel model = new SpotViewModel(spot, costs::hourlyPrice, tasks, Platform::runLater, clock);
 * model.activate();                       // subscribe + 1 s ticker
 * model.create().thenRun(...);            // never blocks the caller
 * model.deactivate();
 * }</pre>
 */
public final class SpotViewModel {
  /** Prices change rarely; looking them up once a minute per machine type is plenty. */
  static final Duration PRICE_TTL = Duration.ofMinutes(1);

  private final SpotVmService spot;
  private final Function<String, Optional<BigDecimal>> hourlyPrice;
  private final Tasks tasks;
  private final Executor fx;
  private final Clock clock;
  private final Map<String, CachedPrice> prices = new ConcurrentHashMap<>();
  // FX-thread state below.
  private final ObservableList<SpotRow> rows = FXCollections.observableArrayList();
  private final Map<String, SpotRow> byName = new HashMap<>();
  private final ObservableList<VmEvent> timeline = FXCollections.observableArrayList();
  private final IntegerProperty running = new SimpleIntegerProperty();
  private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper();
  private final StringProperty message = new SimpleStringProperty("");
  private final StringProperty error = new SimpleStringProperty("");
  private final StringProperty notConnected = new SimpleStringProperty("");
  private volatile String selected;
  private Runnable unsubscribe = () -> { };
  private Tasks.Handle ticker;

  private record CachedPrice(Optional<BigDecimal> perHour, Instant fetchedAt) {}

  /** The text of one row, computed off the FX thread. */
  record Cells(SpotVm vm, String state, String zone, String ip, String uptime, String timeLeft, String perHour,
      String cost) {}

  /**
   * @param hourlyPrice $/h of a machine type when known (the cost feature's catalog); may be slow, is called off
   *     the FX thread and cached for {@link #PRICE_TTL}
   * @param fx runs UI updates ({@code Platform::runLater})
   */
  public SpotViewModel(SpotVmService spot, Function<String, Optional<BigDecimal>> hourlyPrice, Tasks tasks,
      Executor fx, Clock clock) {
    this.spot = spot;
    this.hourlyPrice = hourlyPrice;
    this.tasks = tasks;
    this.fx = fx;
    this.clock = clock;
    busy.bind(running.greaterThan(0));
  }

  /** Subscribes to VM changes and starts the one-second clock. */
  public void activate() {
    unsubscribe = spot.addListener(() -> tasks.run(this::refreshRows));
    tasks.run(this::refreshRows);
    ticker = tasks.every(Duration.ofSeconds(1), this::refreshRows);
  }

  public void deactivate() {
    unsubscribe.run();
    if (ticker != null) {
      ticker.cancel();
    }
  }

  /** The shape, zones and price that Create would use, for the confirmation (price from the cache, never fetched). */
  public String createSummary(String machineType, String zones) {
    Optional<BigDecimal> price = Optional.ofNullable(prices.get(machineType)).flatMap(CachedPrice::perHour);
    return machineType + " Spot VM in " + zones + " at "
        + price.map(Format.DEFAULT::perHour).orElse("an unknown price");
  }

  /** Creates a VM of the configured shape; completes when the attempt has ended (the message says how). */
  public CompletableFuture<Void> create() {
    return run("Creating a Spot VM…", () -> spot.create("requested from the dashboard").thenApply(vm ->
        vm.state() == VmState.FAILED ? Result.failure("Create failed: " + vm.lastMessage())
            : Result.ok(vm.name() + " is " + stateWord(vm.state()))));
  }

  public CompletableFuture<Void> terminate(String name) {
    return run("Terminating " + name + "…", () -> spot.terminate(name, "requested from the dashboard")
        .thenApply(vm -> Result.ok(vm.name() + " is " + stateWord(vm.state()))));
  }

  public CompletableFuture<Void> terminateAll() {
    return run("Terminating all VMs…", () -> spot.terminateAll("requested from the dashboard")
        .thenApply(v -> Result.ok("All VMs terminated")));
  }

  /** Shows {@code name}'s timeline ({@code null} clears it). */
  public void select(String name) {
    selected = name;
    if (name == null) {
      fx.execute(timeline::clear);
      return;
    }
    loadTimeline(name);
  }

  private void loadTimeline(String name) {
    tasks.run(() -> {
      List<VmEvent> events = spot.events(name);
      fx.execute(() -> {
        if (name.equals(selected)) {
          timeline.setAll(events);
        }
      });
    });
  }

  private record Result(String text, boolean failed) {
    static Result ok(String text) {
      return new Result(text, false);
    }

    static Result failure(String text) {
      return new Result(text, true);
    }
  }

  private CompletableFuture<Void> run(String progress, Supplier<CompletableFuture<Result>> work) {
    fx.execute(() -> {
      running.set(running.get() + 1);
      message.set(progress);
      error.set("");
    });
    CompletableFuture<Result> started = tasks.submit(work::get).thenCompose(f -> f);
    return started.handle((r, e) -> e == null ? r : Result.failure(userMessage(e))).thenCompose(r -> {
      CompletableFuture<Void> shown = new CompletableFuture<>();
      fx.execute(() -> {
        running.set(running.get() - 1);
        message.set(r.text());
        error.set(r.failed() ? r.text() : "");
        shown.complete(null);
      });
      return shown;
    });
  }

  /** What to connect, in the dashboard's words: Preferences and a gcloud command, never "edit config.json". */
  static final String CONNECT_HOW = "To create Spot VMs, connect a Google Cloud project: open Preferences and set"
      + " the Project ID, region and zones under Google Cloud. Then sign Headroom in with your Google account by"
      + " running  gcloud auth application-default login  in a terminal (or point GOOGLE_APPLICATION_CREDENTIALS at"
      + " a service-account key file). The account needs the Compute Instance Admin (v1) role on the project."
      + " Headroom connects on its own once both are in place.";

  /**
   * The banner for a not-connected reason: the service's own reason (which, written for the command line, tells
   * people to edit the config file) is kept up to its how-to part and followed by the dashboard's how-to.
   */
  static String bannerText(String reason) {
    if (reason == null || reason.isBlank()) {
      return "";
    }
    int how = reason.indexOf("Set gcp.project in ");
    String why = (how >= 0 ? reason.substring(0, how) : reason).trim();
    if (why.isEmpty()) {
      why = "Google Cloud is not connected.";
    }
    if (!why.endsWith(".")) {
      why += ".";
    }
    return why + " " + CONNECT_HOW;
  }

  private static String userMessage(Throwable e) {
    Throwable c = e;
    while (c instanceof CompletionException && c.getCause() != null) {
      c = c.getCause();
    }
    return c instanceof AppException a ? a.userMessage() : String.valueOf(c.getMessage());
  }

  /** Recomputes every row's cells off the FX thread, then applies them in place (new VMs get a row on top). */
  void refreshRows() {
    List<SpotVm> vms = spot.vms();
    String reason = spot.notConnectedReason().orElse("");
    Instant now = clock.instant();
    List<Cells> cells = new ArrayList<>(vms.size());
    for (SpotVm vm : vms) {
      cells.add(cells(vm, price(vm.machineType(), now), now));
    }
    fx.execute(() -> apply(cells, reason));
  }

  private void apply(List<Cells> cells, String reason) {
    notConnected.set(bannerText(reason));
    boolean selectedChanged = false;
    for (Cells c : cells) {
      SpotRow row = byName.get(c.vm().name());
      if (row == null) {
        row = new SpotRow(c.vm());
        byName.put(c.vm().name(), row);
        rows.add(0, row);
      }
      if (c.vm().name().equals(selected) && !c.vm().equals(row.vm())) {
        selectedChanged = true;
      }
      row.set(c);
    }
    if (selectedChanged) {
      loadTimeline(selected);
    }
  }

  static Cells cells(SpotVm vm, Optional<BigDecimal> perHour, Instant now) {
    Duration up = vm.uptime(now);
    Format f = Format.DEFAULT;
    return new Cells(vm, vm.state().name(), vm.zone(), vm.externalIp().isEmpty() ? "—" : vm.externalIp(),
        duration(up), vm.state().ended() ? "—" : f.duration(vm.timeLeft(now)),
        perHour.map(f::money).orElse("—"),
        perHour.map(p -> f.money(costSoFar(p, up))).orElse("—"));
  }

  /** "running", "deleted", "preempted": the state in words, for sentences. */
  static String stateWord(VmState state) {
    return Labels.text(state.name()).toLowerCase(java.util.Locale.ROOT);
  }

  /** $/h x uptime, to the hundredth of a cent. */
  static BigDecimal costSoFar(BigDecimal perHour, Duration uptime) {
    return perHour.multiply(BigDecimal.valueOf(uptime.toSeconds())).divide(BigDecimal.valueOf(3600), 4,
        RoundingMode.HALF_UP);
  }

  private Optional<BigDecimal> price(String machineType, Instant now) {
    CachedPrice c = prices.get(machineType);
    if (c == null || !now.isBefore(c.fetchedAt().plus(PRICE_TTL))) {
      Optional<BigDecimal> p;
      try {
        p = hourlyPrice.apply(machineType);
      } catch (RuntimeException e) {
        p = Optional.empty(); // unknown price shows "—"; the cost view reports why
      }
      c = new CachedPrice(p, now);
      prices.put(machineType, c);
    }
    return c.perHour();
  }

  static String duration(Duration d) {
    long s = d.toSeconds();
    return String.format("%d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60);
  }

  public ObservableList<SpotRow> rows() {
    return FXCollections.unmodifiableObservableList(rows);
  }

  /** The selected VM's events, oldest first. */
  public ObservableList<VmEvent> timeline() {
    return FXCollections.unmodifiableObservableList(timeline);
  }

  /** True while a create or terminate is running. */
  public ReadOnlyBooleanProperty busyProperty() {
    return busy.getReadOnlyProperty();
  }

  /** Progress, then the outcome of the last action. */
  public ReadOnlyStringProperty messageProperty() {
    return message;
  }

  /** The last action's failure, empty when it succeeded. */
  public ReadOnlyStringProperty errorProperty() {
    return error;
  }

  /** The how-to-connect text when Google Cloud is not connected, else empty. */
  public ReadOnlyStringProperty notConnectedProperty() {
    return notConnected;
  }
}
