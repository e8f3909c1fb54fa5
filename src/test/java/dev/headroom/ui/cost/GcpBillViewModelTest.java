package dev.headroom.ui.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.billing.BillingFakes;
import dev.headroom.billing.BillingFixture;
import dev.headroom.billing.BillingService;
import dev.headroom.billing.GcpBilled;
import dev.headroom.billing.Nowcast;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.MutableClock;
import dev.headroom.core.Tasks;
import dev.headroom.store.Database;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GCP bill section's view model, plain JUnit (no JavaFX toolkit needed for properties and lists). */
class GcpBillViewModelTest {
  @TempDir Path dir;
  private BillingFakes fakes;
  private Database db;
  private Tasks tasks;
  private BillingService billing;
  private final MutableClock clock = new MutableClock(BillingFixture.NOW);

  @BeforeEach
  void start() throws Exception {
    fakes = new BillingFakes();
    db = Database.open(dir);
    tasks = ExecutorTasks.create("bill-vm", 4);
    billing = fakes.service(db, clock, tasks);
    billing.refreshIfDue();
  }

  @AfterEach
  void stop() {
    billing.close();
    tasks.close();
    db.close();
    fakes.close();
  }

  private GcpBilled withVm() {
    return billing.at(clock.instant(), List.of(new Nowcast.VmEstimate("headroom-1", BillingFixture.VM_START,
        clock.instant(), new BigDecimal(BillingFixture.VM_RATE))));
  }

  @Test
  void showsBilledVersusEstimatedWithTheWatermark() {
    GcpBillViewModel vm = new GcpBillViewModel(ZoneOffset.UTC);
    vm.apply(withVm());

    assertThat(vm.billedProperty().get()).contains("today $8.61").contains("month to date $120.11")
        .contains("net of credits");
    assertThat(vm.freshnessProperty().get()).isEqualTo("Billed until 20:14 (export lag) · read just now");
    assertThat(vm.nowcastProperty().get()).contains("$8.67").contains("$0.06 estimated since 19:00");
    assertThat(vm.hasProblemsProperty().get()).isFalse();
  }

  @Test
  void listsServicesProjectsBudgetsSpikesAndIdleVms() {
    GcpBillViewModel vm = new GcpBillViewModel(ZoneOffset.UTC);
    vm.apply(withVm());

    assertThat(vm.services()).first().satisfies(b -> {
      assertThat(b.service()).isEqualTo("Vertex AI");
      assertThat(b.fraction()).isEqualTo(1.0);
    });
    assertThat(vm.services()).hasSize(5);
    assertThat(vm.projects()).hasSize(2);
    assertThat(vm.budgets()).hasSize(2);
    assertThat(GcpBillViewModel.thresholds(vm.budgets().get(0))).isEqualTo("50 / 90 / 100 %");
    assertThat(vm.spikes()).containsExactly("Spike: " + withVm().spikes().get(0).message());
    assertThat(vm.idleVms()).extracting(v -> v.headroom()).containsExactly(false, true);
  }

  @Test
  void notConfiguredSaysSoAndShowsTheHowTo() {
    GcpBillViewModel vm = new GcpBillViewModel(ZoneOffset.UTC);
    vm.apply(dev.headroom.billing.BilledView.NOT_CONFIGURED.at(clock.instant(), List.of()));

    assertThat(vm.billedProperty().get()).contains("not configured");
    assertThat(vm.hasProblemsProperty().get()).isTrue();
    assertThat(vm.problemsProperty().get()).contains("Billing export page").contains("gcp.billingExportTable");
    assertThat(vm.services()).isEmpty();
  }
}
