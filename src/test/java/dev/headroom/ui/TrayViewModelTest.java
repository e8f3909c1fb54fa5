package dev.headroom.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.config.GcpSettings;
import dev.headroom.config.SettingsLoader;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.MutableClock;
import dev.headroom.core.Tasks;
import dev.headroom.cost.BudgetLevel;
import dev.headroom.cost.CostSnapshot;
import dev.headroom.memory.MemoryState;
import dev.headroom.memory.Pressure;
import dev.headroom.memory.ScriptedMemorySource;
import dev.headroom.spot.FakeComputeServer;
import dev.headroom.spot.SpotStore;
import dev.headroom.spot.SpotVm;
import dev.headroom.spot.SpotVmService;
import dev.headroom.spot.VmState;
import dev.headroom.store.Database;
import dev.headroom.ui.TrayMenu.Item;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tray menu with plain JUnit: the real Spot service drives the real Compute client against the fake server;
 * a recording {@link TrayViewModel.Confirm} answers the questions.
 */
class TrayViewModelTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private final Tasks tasks = ExecutorTasks.create("tray-test", 3);
  private final List<String> questions = new CopyOnWriteArrayList<>();
  private final List<String> notices = new CopyOnWriteArrayList<>();
  private final AtomicBoolean answer = new AtomicBoolean();
  private FakeComputeServer fake;
  private Database db;
  private SpotVmService spot;
  private volatile CostSnapshot snapshot = snapshot(List.of());

  @BeforeEach
  void setUp() throws Exception {
    fake = new FakeComputeServer();
    db = Database.open(dir);
  }

  @AfterEach
  void tearDown() {
    if (spot != null) {
      spot.close();
    }
    tasks.close();
    db.close();
    fake.close();
  }

  private TrayViewModel model(GcpSettings gcp) {
    spot = new SpotVmService(FakeComputeServer.client(gcp), gcp, new SpotStore(db), clock, tasks, "tray-test");
    return new TrayViewModel(spot, () -> snapshot, type -> Optional.of(new BigDecimal("0.0401")), gcp, clock, tasks,
        (title, question, details) -> {
          questions.add(question + "\n" + details);
          return answer.get();
        },
        (title, message, warning) -> notices.add(message),
        new TrayViewModel.Commands(() -> { }, () -> { }, () -> { }, () -> { }, () -> false, () -> { }),
        new Format(Locale.US));
  }

  private static CostSnapshot snapshot(List<CostSnapshot.VmCost> vms) {
    CostSnapshot.Budget b = new CostSnapshot.Budget(new BigDecimal("10.00"), new BigDecimal("1.23"),
        new BigDecimal("12.3"), BudgetLevel.OK);
    return new CostSnapshot(T0, BigDecimal.ONE, BigDecimal.ONE, new BigDecimal("0.23"), new BigDecimal("0.23"),
        new BigDecimal("1.23"), new BigDecimal("1.23"), BigDecimal.ZERO, BigDecimal.ZERO, b, b, List.of(), vms, 0);
  }

  private static Optional<MemoryState> memory(double used, Pressure p) {
    ScriptedMemorySource s = new ScriptedMemorySource();
    s.setUsedPercent(used);
    return Optional.of(new MemoryState(s.sample(T0), p, Optional.empty(), 0));
  }

  private SpotVm createdVm(TrayViewModel model) throws Exception {
    answer.set(true);
    assertThat(model.createVm().get(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 200 && spot.vms().stream().noneMatch(v -> v.state() == VmState.RUNNING); i++) {
      Thread.sleep(25);
    }
    questions.clear();
    return spot.vms().get(0);
  }

  @Test
  void theHeaderShowsUsedPercentGibTodaysSpendAndRunningVms() {
    TrayMenu menu = model(fake.settings()).menu(memory(62, Pressure.NORMAL));

    assertThat(menu.items().get(0).label()).isEqualTo("Memory 62 % used (9.9 GiB of 16.0 GiB)");
    assertThat(menu.items().get(1).label()).isEqualTo("Today $1.23 · 0 VMs running");
    assertThat(menu.items().get(0).enabled()).isFalse();
    assertThat(menu.tooltip()).contains("62 % memory used (9.9 GiB of 16.0 GiB, normal)").contains("today $1.23");
    assertThat(menu.item("Preferences").orElseThrow().enabled()).isTrue();
    assertThat(menu.item("About Headroom")).isPresent();
    assertThat(menu.item("Launch at login").orElseThrow().checked()).hasValue(false);
  }

  @Test
  void createAsksWithShapeZonesAndPriceAndDecliningCreatesNothing() throws Exception {
    TrayViewModel model = model(fake.settings(List.of("us-central1-a", "us-central1-b")));
    answer.set(false);

    boolean created = model.createVm().get(10, TimeUnit.SECONDS);

    assertThat(created).isFalse();
    assertThat(questions).singleElement().satisfies(q -> assertThat(q)
        .contains("Create one e2-highmem-4 Spot VM?")
        .contains("Zones, tried in order: us-central1-a, us-central1-b")
        .contains("Price: $0.0401/h (Spot, us-central1, plus boot disk)"));
    Thread.sleep(200);
    assertThat(fake.inserts).isEmpty();
    assertThat(spot.vms()).isEmpty();
  }

  @Test
  void confirmedCreateInsertsOneVmWhichGetsItsOwnSubmenu() throws Exception {
    TrayViewModel model = model(fake.settings(List.of("us-central1-a")));
    SpotVm vm = createdVm(model);
    snapshot = snapshot(List.of(new CostSnapshot.VmCost(vm.name(), "e2-highmem-4", new BigDecimal("0.0401"),
        new BigDecimal("0.0125"), true, true)));
    clock.advance(Duration.ofMinutes(12));

    TrayMenu menu = model.menu(memory(50, Pressure.NORMAL));

    assertThat(fake.inserts).hasSize(1);
    Item sub = menu.item(vm.name()).orElseThrow();
    assertThat(sub.child("Uptime").orElseThrow().label()).startsWith("Uptime ");
    assertThat(sub.child("$0.0125 so far ($0.0401/h)")).isPresent();
    assertThat(sub.child("Terminate…").orElseThrow().enabled()).isTrue();
    assertThat(menu.item("Terminate all (1)…").orElseThrow().enabled()).isTrue();
    assertThat(menu.items().get(1).label()).isEqualTo("Today $1.23 · 1 VM running");
  }

  @Test
  void terminateAllAsksWithTheCountAndOnlyAYesDeletes() throws Exception {
    TrayViewModel model = model(fake.settings(List.of("us-central1-a")));
    SpotVm vm = createdVm(model);

    answer.set(false);
    assertThat(model.terminateAll().get(10, TimeUnit.SECONDS)).isFalse();
    assertThat(questions).singleElement().satisfies(q -> assertThat(q).startsWith("Terminate all 1 VM?"));
    Thread.sleep(200);
    assertThat(fake.deletes).isEmpty();

    answer.set(true);
    assertThat(model.terminateAll().get(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 200 && fake.deletes.isEmpty(); i++) {
      Thread.sleep(25);
    }
    assertThat(fake.deletes).containsExactly(vm.name());
  }

  @Test
  void terminateOneAsksWithUptimeAndCost() throws Exception {
    TrayViewModel model = model(fake.settings(List.of("us-central1-a")));
    SpotVm vm = createdVm(model);
    snapshot = snapshot(List.of(new CostSnapshot.VmCost(vm.name(), "e2-highmem-4", new BigDecimal("0.0401"),
        new BigDecimal("0.0125"), true, true)));
    answer.set(false);

    assertThat(model.terminate(vm.name()).get(10, TimeUnit.SECONDS)).isFalse();

    assertThat(questions).singleElement().satisfies(q -> assertThat(q)
        .startsWith("Terminate " + vm.name() + "?").contains("$0.0125 so far"));
    assertThat(fake.deletes).isEmpty();
  }

  @Test
  void withoutGoogleCloudTheCloudActionsAreDisabledAndSayWhy() {
    GcpSettings unconfigured = new SettingsLoader().defaults().gcp(); // no project
    TrayMenu menu = model(unconfigured).menu(memory(50, Pressure.NORMAL));

    Item create = menu.item("Create Spot VM…").orElseThrow();
    assertThat(create.enabled()).isFalse();
    assertThat(create.action()).isEmpty();
    assertThat(create.label()).isEqualTo("Create Spot VM… (Google Cloud not connected)");
    assertThat(menu.item("Terminate all").orElseThrow().enabled()).isFalse();
    assertThat(menu.item("Google Cloud is not connected").orElseThrow().enabled()).isFalse();
    assertThat(notices).isEmpty();
  }
}
