package dev.headroom.ui.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.config.CostSettings;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.MutableClock;
import dev.headroom.core.Tasks;
import dev.headroom.cost.CostEngine;
import dev.headroom.cost.LlmUsage;
import dev.headroom.cost.PriceBook;
import dev.headroom.cost.PriceService;
import dev.headroom.cost.VmRuntime;
import dev.headroom.store.Database;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** The real cost view headless (Monocle): a snapshot pushed by the engine shows in labels, bars and tables. */
class CostViewTest extends FxRobot {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private final Tasks tasks = ExecutorTasks.create("cost-ui", 1);
  private Database db;
  private CostEngine engine;
  private CostViewModel vm;

  @BeforeEach
  void open() throws Exception {
    db = Database.open(dir);
    engine = new CostEngine(db, PriceBook.load(Optional.empty()),
        new PriceService(Optional.empty(), db, clock, 20, "pd-balanced"), "us-central1",
        new CostSettings(new BigDecimal("0.01"), new BigDecimal("100"), "", ""),
        () -> List.of(new VmRuntime("headroom-1", "e2-highmem-4", T0, Optional.empty())), clock, ZoneOffset.UTC,
        tasks, (p, pc, b) -> { });
    vm = new CostViewModel(engine, Platform::runLater);
    Stage stage = FxToolkit.registerPrimaryStage();
    WaitForAsyncUtils.asyncFx(() -> {
      stage.setScene(new Scene(new CostView(vm).root(), 1100, 700));
      stage.show();
      vm.activate();
    }).get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws Exception {
    vm.deactivate();
    FxToolkit.cleanupStages();
    tasks.close();
    db.close();
  }

  @Test
  void snapshotShowsInTotalsBudgetBarsAndTables() throws Exception {
    engine.record(new LlmUsage(T0, "openai", "gpt-4o", 1000, 0, 100, 0, "openai"));
    engine.record(new LlmUsage(T0, "openai", "mystery-model", 10, 0, 10, 0, "api"));
    clock.advance(Duration.ofMinutes(30));
    engine.tick();
    WaitForAsyncUtils.waitForFxEvents();
    @SuppressWarnings("unchecked")
    TableView<Object> models = lookup("#cost-models").queryAs(TableView.class);
    @SuppressWarnings("unchecked")
    TableView<Object> vms = lookup("#cost-vms").queryAs(TableView.class);
    WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> models.getItems().size() == 2);
    assertThat(vms.getItems()).hasSize(1);
    assertThat(lookup("#cost-split").queryAs(Label.class).getText()).contains("LLM $0.0035")
        .contains("1 unpriced call(s)");
    assertThat(lookup("#cost-0").queryAs(Label.class).getText()).startsWith("$");
    ProgressBar daily = lookup("#cost-daily").queryAs(ProgressBar.class);
    assertThat(daily.getProgress()).isEqualTo(1.0); // well over a one-cent budget
    assertThat(daily.getStyle()).contains("#c62828");
    assertThat(vm.todaySeries().getDataCount()).isEqualTo(1);
  }

  @Test
  void atTheMinimumWindowSizeTheChartIsInViewAndNoTableColumnScrollsOff() throws Exception {
    engine.record(new LlmUsage(T0, "openai", "gpt-4o", 123_456_789, 20_000, 18_750_000, 0, "openai"));
    clock.advance(Duration.ofMinutes(30));
    engine.tick();
    // The tab's area in an 800 x 500 window.
    WaitForAsyncUtils.asyncFx(() -> {
      Stage stage = (Stage) lookup("#cost-chart").query().getScene().getWindow();
      stage.getScene().getRoot().resize(800, 467);
      stage.setWidth(800);
      stage.setHeight(467);
    }).get(10, TimeUnit.SECONDS);
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> lookup("#cost-tables-tabs").tryQuery().isPresent());
    WaitForAsyncUtils.waitForFxEvents();
    javafx.scene.Node chart = lookup("#cost-chart").query();
    javafx.geometry.Bounds b = chart.localToScene(chart.getLayoutBounds());
    assertThat(b.getMaxY()).isLessThanOrEqualTo(chart.getScene().getHeight() + 0.5);
    assertThat(b.getHeight()).isGreaterThanOrEqualTo(100); // axes, a few ticks and the curve still readable
    @SuppressWarnings("unchecked")
    TableView<Object> models = lookup("#cost-models").queryAs(TableView.class);
    double columns = models.getVisibleLeafColumns().stream().mapToDouble(c -> c.getWidth()).sum();
    assertThat(columns).isLessThanOrEqualTo(models.getWidth());
    // Back to a large window (within Monocle's 1280 x 800 screen): the tables side by side again.
    WaitForAsyncUtils.asyncFx(() -> {
      Stage stage = (Stage) chart.getScene().getWindow();
      stage.setWidth(1200);
      stage.setHeight(780);
    }).get(10, TimeUnit.SECONDS);
    WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> lookup("#cost-tables-tabs").tryQuery().isEmpty());
    assertThat(models.getParent().getParent()).isInstanceOf(javafx.scene.layout.HBox.class);
  }
}
