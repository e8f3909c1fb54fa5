package dev.headroom.ui.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.config.MemorySettings;
import dev.headroom.config.SettingsLoader;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.MutableClock;
import dev.headroom.core.Tasks;
import dev.headroom.memory.MemoryHistory;
import dev.headroom.memory.MemoryMonitor;
import dev.headroom.memory.ProcessMemory;
import dev.headroom.memory.ScriptedMemorySource;
import dev.headroom.ui.DashboardWindow;
import dev.headroom.ui.Page;
import io.fair_acc.chartfx.XYChart;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** Opens the real dashboard window headless (Monocle) and watches the chart receive samples. */
class DashboardMemoryTest extends FxRobot {
  private final MemorySettings settings = new SettingsLoader().defaults().memory();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final ScriptedMemorySource source = new ScriptedMemorySource();
  private final Tasks tasks = ExecutorTasks.create("ui-test", 2);
  private final MemoryHistory history = new MemoryHistory(null);
  private final MemoryMonitor monitor = new MemoryMonitor(source, settings, history, clock, tasks);
  private final java.util.concurrent.atomic.AtomicBoolean autoCreate = new java.util.concurrent.atomic.AtomicBoolean();
  private volatile double threshold = 85;
  private MemoryChartData chart;
  private DashboardWindow window;
  private boolean showing;

  @BeforeEach
  void open() throws Exception {
    FxToolkit.registerPrimaryStage();
    source.setProcesses(List.of(new ProcessMemory(42, "llama-server", 6L << 30), new ProcessMemory(7, "java", 1L << 30)));
    chart = new MemoryChartData(history, () -> threshold, autoCreate::get, clock);
    MemoryViewModel vm = new MemoryViewModel(monitor, chart, tasks, Platform::runLater);
    window = new DashboardWindow(
        () -> List.of(Page.of("Memory", () -> new MemoryView(vm).root(), vm::activate, vm::deactivate)),
        open -> showing = open);
    WaitForAsyncUtils.asyncFx(() -> window.show()).get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws Exception {
    WaitForAsyncUtils.asyncFx(window::hide).get(10, TimeUnit.SECONDS);
    tasks.close();
    FxToolkit.cleanupStages();
  }

  @Test
  void chartSeriesReceivesSamplesAndLabelsFollow() throws Exception {
    assertThat(showing).isTrue();
    for (int i = 0; i < 12; i++) {
      source.setUsedPercent(60 + i);
      monitor.sampleNow();
      clock.advance(Duration.ofSeconds(1));
    }
    WaitForAsyncUtils.waitForFxEvents();
    XYChart xy = lookup("#memory-chart").queryAs(XYChart.class);
    assertThat(xy.getRenderers().get(0).getDatasets()).contains(chart.used());
    assertThat(chart.used().getDataCount()).isEqualTo(12);
    assertThat(chart.used().get(1, 11)).isEqualTo(71.0, org.assertj.core.data.Offset.offset(0.01));
    assertThat(chart.projection().getDataCount()).isEqualTo(2);
    Label used = lookup("#memory-used").queryAs(Label.class);
    assertThat(used.getText()).startsWith("71.0 % used");
    assertThat(lookup("#memory-pressure").queryAs(Label.class).getText()).isEqualTo("Normal");
  }

  @Test
  void theThresholdLineSaysWhetherAutoCreateIsOnAndFollowsPreferences() throws Exception {
    XYChart xy = lookup("#memory-chart").queryAs(XYChart.class);
    Label caption = lookup("#memory-threshold").queryAs(Label.class);
    source.setUsedPercent(50);
    monitor.sampleNow();
    WaitForAsyncUtils.waitForFxEvents();
    // Off: the dashed grey line, named so in the legend, and the caption says it.
    assertThat(xy.getRenderers().get(0).getDatasets()).contains(chart.threshold(false))
        .doesNotContain(chart.threshold(true));
    assertThat(chart.threshold(false).getName()).isEqualTo("Threshold (auto-create off)");
    assertThat(chart.threshold(false).getStyleClasses()).contains("threshold-off");
    assertThat(caption.getText()).isEqualTo("High-pressure threshold 85 % · auto-create off");
    Label key = lookup("#memory-legend-threshold").queryAs(Label.class);
    assertThat(key.getText()).isEqualTo("Threshold (auto-create off)");
    assertThat(key.getGraphic().getStyleClass()).contains("legend-threshold-off");

    // Preferences turn auto-create on and lower the threshold: the next reading shows the solid line at 80 %.
    autoCreate.set(true);
    threshold = 80;
    clock.advance(Duration.ofSeconds(1));
    monitor.sampleNow();
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(xy.getRenderers().get(0).getDatasets()).contains(chart.threshold(true))
        .doesNotContain(chart.threshold(false));
    assertThat(chart.threshold(true).getStyleClasses()).contains("threshold-on");
    assertThat(chart.threshold(true).get(1, 0)).isEqualTo(80.0);
    assertThat(caption.getText()).isEqualTo("High-pressure threshold 80 % · auto-create on");
    assertThat(key.getText()).isEqualTo("Auto-create threshold");
    assertThat(key.getGraphic().getStyleClass()).contains("legend-threshold-on");
  }

  @Test
  void minimizingStopsTheLiveChartAndRestoringRebuildsIt() throws Exception {
    source.setUsedPercent(50);
    monitor.sampleNow();
    WaitForAsyncUtils.waitForFxEvents();
    int before = chart.used().getDataCount();
    WaitForAsyncUtils.asyncFx(() -> window.stage().setIconified(true)).get(10, TimeUnit.SECONDS);
    assertThat(showing).isFalse(); // sampling slows to the tray's pace
    clock.advance(Duration.ofSeconds(1));
    monitor.sampleNow();
    assertThat(chart.used().getDataCount()).isEqualTo(before); // nobody sees it: not written, not redrawn
    WaitForAsyncUtils.asyncFx(() -> window.stage().setIconified(false)).get(10, TimeUnit.SECONDS);
    assertThat(showing).isTrue();
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> lookup("#memory-chart").tryQuery().isPresent());
    clock.advance(Duration.ofSeconds(1));
    monitor.sampleNow();
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> chart.used().getDataCount() > before);
  }

  @Test
  void topProcessesAreListed() throws Exception {
    @SuppressWarnings("unchecked")
    TableView<ProcessMemory> table = lookup("#top-processes").queryAs(TableView.class);
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> table.getItems().size() == 2);
    assertThat(table.getItems().get(0).name()).isEqualTo("llama-server");
  }

  @Test
  void closingTheWindowReleasesItAndSlowsSampling() throws Exception {
    WaitForAsyncUtils.asyncFx(window::hide).get(10, TimeUnit.SECONDS);
    assertThat(showing).isFalse();
    assertThat(window.stage()).isNull();
  }
}
