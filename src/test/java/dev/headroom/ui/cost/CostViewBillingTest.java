package dev.headroom.ui.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.billing.BillingFakes;
import dev.headroom.billing.BillingFixture;
import dev.headroom.billing.BillingService;
import dev.headroom.config.CostSettings;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.MutableClock;
import dev.headroom.core.Tasks;
import dev.headroom.cost.CostEngine;
import dev.headroom.cost.PriceBook;
import dev.headroom.cost.PriceService;
import dev.headroom.store.Database;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.layout.GridPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** The Costs tab headless (Monocle) with the real GCP bill from the fake export: the GCP bill section fills in. */
class CostViewBillingTest extends FxRobot {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(BillingFixture.NOW);
  private final Tasks tasks = ExecutorTasks.create("cost-ui", 4);
  private BillingFakes fakes;
  private Database db;
  private BillingService billing;
  private CostEngine engine;
  private CostViewModel vm;

  @BeforeEach
  void open() throws Exception {
    fakes = new BillingFakes();
    db = Database.open(dir);
    billing = fakes.service(db, clock, tasks);
    billing.refreshIfDue();
    engine = new CostEngine(db, PriceBook.load(Optional.empty()),
        new PriceService(Optional.empty(), db, clock, 20, "pd-balanced"), "us-central1",
        new CostSettings(new BigDecimal("10"), new BigDecimal("200"), "", ""), List::of, clock, ZoneOffset.UTC,
        tasks, (p, pc, b) -> { });
    engine.useBilling(billing);
    vm = new CostViewModel(engine, Platform::runLater);
    Stage stage = FxToolkit.registerPrimaryStage();
    WaitForAsyncUtils.asyncFx(() -> {
      stage.setScene(new Scene(new CostView(vm).root(), 1280, 800));
      stage.show();
      vm.activate();
    }).get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws Exception {
    vm.deactivate();
    FxToolkit.cleanupStages();
    billing.close();
    tasks.close();
    db.close();
    fakes.close();
  }

  @Test
  void gcpBillSectionShowsBilledServicesBudgetsSpikesAndIdleVms() throws Exception {
    engine.tick();
    WaitForAsyncUtils.waitForFxEvents();
    @SuppressWarnings("unchecked")
    TableView<Object> budgets = lookup("#gcp-budgets").queryAs(TableView.class);
    WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> budgets.getItems().size() == 2);

    assertThat(lookup("#gcp-billed").queryAs(Label.class).getText()).contains("month to date $120.11");
    assertThat(lookup("#gcp-freshness").queryAs(Label.class).getText()).startsWith("Billed until");
    assertThat(lookup("#cost-split").queryAs(Label.class).getText()).contains("GCP $8.61")
        .contains("billed + estimate");
    assertThat(lookup("#gcp-services").queryAs(GridPane.class).getChildren()).hasSize(15); // 5 x name, bar, $
    assertThat(lookup("#gcp-projects").queryAs(TableView.class).getItems()).hasSize(2);
    assertThat(lookup("#gcp-idle").queryAs(TableView.class).getItems()).hasSize(2);
    assertThat(lookup("#gcp-spikes").lookup((Label l) -> l.getText().startsWith("Spike: Vertex AI +$8.40"))
        .tryQuery()).isPresent();
    assertThat(lookup("#gcp-problems").queryAs(Label.class).isVisible()).isFalse();
  }
}
