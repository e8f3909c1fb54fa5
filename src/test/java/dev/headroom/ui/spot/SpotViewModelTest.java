package dev.headroom.ui.spot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.config.GcpSettings;
import dev.headroom.config.SettingsLoader;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.MutableClock;
import dev.headroom.core.Tasks;
import dev.headroom.spot.FakeComputeServer;
import dev.headroom.spot.GceCompute;
import dev.headroom.spot.SpotStore;
import dev.headroom.spot.SpotVmService;
import dev.headroom.spot.VmState;
import dev.headroom.store.Database;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The panel's view model with plain JUnit (no JavaFX toolkit): a single thread stands in for the FX thread, the real
 * service drives the real Compute client against the fake server.
 */
class SpotViewModelTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final Tasks tasks = ExecutorTasks.create("spot-vm-test", 3);
  private final ExecutorService fxThread = Executors.newSingleThreadExecutor();
  private final AtomicInteger priceLookups = new AtomicInteger();
  private FakeComputeServer fake;
  private GcpSettings gcp;
  private Database db;
  private SpotVmService spot;
  private SpotViewModel model;

  @BeforeEach
  void setUp() throws Exception {
    fake = new FakeComputeServer();
    gcp = fake.settings(List.of("us-central1-a", "us-central1-b"));
    db = Database.open(dir);
    spot = new SpotVmService(FakeComputeServer.client(gcp), gcp, new SpotStore(db), clock, tasks, "vm-test");
    model = model(spot, type -> {
      priceLookups.incrementAndGet();
      return Optional.of(new BigDecimal("0.0400"));
    });
  }

  private SpotViewModel model(SpotVmService service, Function<String, Optional<BigDecimal>> price) {
    return new SpotViewModel(service, price, tasks, fxThread, clock);
  }

  @AfterEach
  void tearDown() {
    model.deactivate();
    spot.close();
    tasks.close();
    fxThread.shutdownNow();
    db.close();
    fake.close();
  }

  private <T> T onFx(Supplier<T> read) throws Exception {
    return fxThread.submit(read::get).get(10, TimeUnit.SECONDS);
  }

  private void refreshed() throws Exception {
    model.refreshRows();
    onFx(() -> null);
  }

  private void await(BooleanSupplier onFxCondition) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!onFx(onFxCondition::getAsBoolean)) {
      if (System.nanoTime() > until) {
        throw new AssertionError("condition not met within 20 s");
      }
      Thread.sleep(5);
    }
  }

  private SpotRow onlyRow() throws Exception {
    refreshed();
    List<SpotRow> rows = onFx(() -> List.copyOf(model.rows()));
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }

  @Test
  void createShowsARunningRowAndSaysSo() throws Exception {
    model.create().get(30, TimeUnit.SECONDS);
    SpotRow row = onlyRow();
    assertThat(onFx(() -> row.stateProperty().get())).isEqualTo("RUNNING");
    assertThat(onFx(() -> row.ipProperty().get())).startsWith("127.0.2.");
    assertThat(onFx(() -> model.messageProperty().get())).isEqualTo(row.name() + " is running");
    assertThat(onFx(() -> model.errorProperty().get())).isEmpty();
    assertThat(onFx(() -> model.busyProperty().get())).isFalse();
  }

  @Test
  void busyWhileAnActionRuns() throws Exception {
    fake.holdOperations = new CountDownLatch(1);
    var creating = model.create();
    await(() -> model.busyProperty().get());
    assertThat(onFx(() -> model.messageProperty().get())).isEqualTo("Creating a Spot VM…");
    fake.holdOperations.countDown();
    creating.get(30, TimeUnit.SECONDS);
    assertThat(onFx(() -> model.busyProperty().get())).isFalse();
  }

  @Test
  void failedCreateShowsTheReasonAsAnError() throws Exception {
    fake.quotaZones.addAll(gcp.zones());
    model.create().get(30, TimeUnit.SECONDS);
    assertThat(onFx(() -> model.errorProperty().get())).startsWith("Create failed: Quota exceeded")
        .contains("region us-central1");
    SpotRow row = onlyRow();
    assertThat(onFx(() -> row.stateProperty().get())).isEqualTo("FAILED");
  }

  @Test
  void notConnectedShowsHowToConnectAndCreateFailsWithIt() throws Exception {
    GcpSettings none = new SettingsLoader().defaults().gcp();
    SpotVmService offline = new SpotVmService(() -> GceCompute.connect(none, GceCompute.Polling.DEFAULT), none,
        new SpotStore(db), clock, tasks, "x");
    SpotViewModel m = model(offline, t -> Optional.empty());
    m.activate();
    await(() -> !m.notConnectedProperty().get().isEmpty());
    // The dashboard points at Preferences and the gcloud command, never at editing a config file.
    assertThat(onFx(() -> m.notConnectedProperty().get()))
        .startsWith("Google Cloud is not connected: no project is set. To create Spot VMs, connect a Google Cloud"
            + " project: open Preferences and set the Project ID")
        .contains("gcloud auth application-default login").contains("Compute Instance Admin (v1)")
        .doesNotContain("config.json").doesNotContain("gcp.project");
    m.create().get(10, TimeUnit.SECONDS);
    assertThat(onFx(() -> m.errorProperty().get())).contains("gcloud auth application-default login");
    assertThat(onFx(() -> m.rows().size())).isZero();
    m.deactivate();
  }

  @Test
  void uptimeTimeLeftAndCostFollowTheClock() throws Exception {
    model.create().get(30, TimeUnit.SECONDS);
    clock.advance(Duration.ofMinutes(90));
    SpotRow row = onlyRow();
    assertThat(onFx(() -> row.uptimeProperty().get())).isEqualTo("1:30:00");
    assertThat(onFx(() -> row.timeLeftProperty().get())).isEqualTo("1 h 30 min");
    assertThat(onFx(() -> row.perHourProperty().get())).isEqualTo("$0.04");
    assertThat(onFx(() -> row.costProperty().get())).isEqualTo("$0.06");
  }

  @Test
  void unknownPriceShowsADash() throws Exception {
    model = model(spot, t -> Optional.empty());
    model.create().get(30, TimeUnit.SECONDS);
    SpotRow row = onlyRow();
    assertThat(onFx(() -> row.perHourProperty().get())).isEqualTo("—");
    assertThat(onFx(() -> row.costProperty().get())).isEqualTo("—");
  }

  @Test
  void priceIsLookedUpOncePerMinutePerMachineType() throws Exception {
    model.create().get(30, TimeUnit.SECONDS);
    refreshed();
    int first = priceLookups.get();
    refreshed();
    refreshed();
    assertThat(priceLookups.get()).isEqualTo(first).isPositive();
    clock.advance(SpotViewModel.PRICE_TTL);
    refreshed();
    assertThat(priceLookups.get()).isEqualTo(first + 1);
  }

  @Test
  void createSummaryNamesShapeZonesAndKnownPrice() throws Exception {
    model.create().get(30, TimeUnit.SECONDS);
    refreshed();
    assertThat(model.createSummary("e2-highmem-4", "us-central1-a, us-central1-b"))
        .isEqualTo("e2-highmem-4 Spot VM in us-central1-a, us-central1-b at $0.04/h");
    assertThat(model.createSummary("n2-standard-2", "us-central1-a")).endsWith("at an unknown price");
  }

  @Test
  void selectingAVmShowsItsTimeline() throws Exception {
    model.create().get(30, TimeUnit.SECONDS);
    String name = onlyRow().name();
    model.select(name);
    await(() -> model.timeline().size() >= 3);
    assertThat(onFx(() -> List.copyOf(model.timeline()))).extracting(e -> e.state())
        .containsSubsequence(VmState.REQUESTED, VmState.PROVISIONING, VmState.RUNNING);
  }

  @Test
  void terminateAllTakesEveryRowToDeleted() throws Exception {
    model.create().get(30, TimeUnit.SECONDS);
    model.create().get(30, TimeUnit.SECONDS);
    model.terminateAll().get(30, TimeUnit.SECONDS);
    refreshed();
    assertThat(onFx(() -> model.rows().stream().map(r -> r.stateProperty().get()).toList()))
        .containsExactly("DELETED", "DELETED");
    assertThat(onFx(() -> model.messageProperty().get())).isEqualTo("All VMs terminated");
  }

  @Test
  void durationsPrintAsHoursMinutesSeconds() {
    assertThat(SpotViewModel.duration(Duration.ofSeconds(3 * 3600 + 5 * 60 + 7))).isEqualTo("3:05:07");
  }
}
