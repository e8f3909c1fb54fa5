package dev.headroom.ui.cost;

import dev.headroom.cost.CostSnapshot;
import io.fair_acc.chartfx.XYChart;
import io.fair_acc.chartfx.axes.spi.DefaultNumericAxis;
import io.fair_acc.chartfx.renderer.ErrorStyle;
import io.fair_acc.chartfx.renderer.spi.ErrorDataSetRenderer;
import java.util.List;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/** The unified cost view: totals, burn rate, split, budget bars, per-model and per-VM tables, a cost chart. */
public final class CostView {
  private final VBox root;

  public CostView(CostViewModel vm) {
    GridPane totals = new GridPane();
    totals.setHgap(28);
    totals.setVgap(2);
    String[] titles = {"Today", "Month to date", "Burn rate", "Month-end forecast"};
    List<ReadOnlyStringProperty> values = List.of(vm.todayProperty(), vm.monthProperty(), vm.burnProperty(),
        vm.forecastProperty());
    for (int i = 0; i < titles.length; i++) {
      Label t = new Label(titles[i]);
      t.getStyleClass().add("section-title");
      Label v = new Label();
      v.setId("cost-" + i);
      v.getStyleClass().add("headline");
      v.textProperty().bind(values.get(i));
      totals.add(t, i, 0);
      totals.add(v, i, 1);
    }
    Label split = new Label();
    split.setId("cost-split");
    split.textProperty().bind(vm.splitProperty());

    VBox budgets = new VBox(4, bar(vm.dailyTextProperty(), vm.dailyLevelProperty(), vm, true, "cost-daily"),
        bar(vm.monthlyTextProperty(), vm.monthlyLevelProperty(), vm, false, "cost-monthly"));

    TableView<CostSnapshot.ModelCost> models = new TableView<>(vm.models());
    models.setId("cost-models");
    models.setPlaceholder(new Label("No LLM calls today. Route tools through the gateway or POST /usage."));
    models.getColumns().setAll(List.of(
        col("Provider", 80, CostSnapshot.ModelCost::provider),
        col("Model", 170, CostSnapshot.ModelCost::model),
        col("Calls", 60, m -> String.valueOf(m.calls())),
        col("In (cached)", 110, m -> m.inputTokens() + " (" + m.cachedTokens() + ")"),
        col("Out (+reasoning)", 120, m -> m.outputTokens() + " (+" + m.reasoningTokens() + ")"),
        col("Cost", 120, m -> m.unpriced() == m.calls() ? "unpriced"
            : CostViewModel.usd(m.cost()) + (m.unpriced() > 0 ? " + " + m.unpriced() + " unpriced" : ""))));
    TableView<CostSnapshot.VmCost> vmTable = new TableView<>(vm.vms());
    vmTable.setId("cost-vms");
    vmTable.setPlaceholder(new Label("No Spot VM has run this month."));
    vmTable.getColumns().setAll(List.of(
        col("VM", 210, CostSnapshot.VmCost::name),
        col("Type", 100, CostSnapshot.VmCost::machineType),
        col("$/h", 70, v -> v.priced() ? CostViewModel.usd(v.perHour()) : "unknown"),
        col("Cost (estimate)", 110, v -> CostViewModel.usd(v.costSoFar())),
        col("State", 70, v -> v.running() ? "running" : "ended")));
    HBox tables = new HBox(10, models, vmTable);
    HBox.setHgrow(models, Priority.ALWAYS);
    HBox.setHgrow(vmTable, Priority.ALWAYS);
    tables.setPrefHeight(200);
    tables.setMinHeight(140);

    DefaultNumericAxis x = new DefaultNumericAxis("Local time");
    x.setUnit(null);
    x.setTimeAxis(true);
    x.setAnimated(false);
    DefaultNumericAxis y = new DefaultNumericAxis("Spend today");
    y.setUnit("$");
    y.setAnimated(false);
    XYChart chart = new XYChart(x, y);
    chart.setId("cost-chart");
    chart.setAnimated(false);
    chart.setLegendVisible(false);
    ErrorDataSetRenderer renderer = new ErrorDataSetRenderer();
    renderer.setDrawMarker(false);
    renderer.setErrorStyle(ErrorStyle.NONE);
    renderer.getDatasets().add(vm.todaySeries());
    chart.getRenderers().setAll(renderer);
    chart.setPrefHeight(220);
    chart.setMinHeight(120);
    VBox.setVgrow(chart, Priority.ALWAYS);

    totals.setMinHeight(Region.USE_PREF_SIZE);
    budgets.setMinHeight(Region.USE_PREF_SIZE);
    root = new VBox(10, totals, split, budgets, tables, chart);
    root.setPadding(new Insets(12));
  }

  private static VBox bar(ReadOnlyStringProperty text, ReadOnlyStringProperty level, CostViewModel vm,
      boolean daily, String id) {
    Label label = new Label();
    label.textProperty().bind(text);
    ProgressBar bar = new ProgressBar();
    bar.setId(id);
    bar.setMaxWidth(Double.MAX_VALUE);
    bar.setMinHeight(16); // the chart grows; the bars must not be squeezed away
    bar.progressProperty().bind(daily ? vm.dailyFractionProperty() : vm.monthlyFractionProperty());
    level.addListener((o, a, l) -> color(bar, l));
    color(bar, level.get());
    return new VBox(2, label, bar);
  }

  private static void color(ProgressBar bar, String level) {
    String c = switch (level) {
      case "OVER" -> "#c62828";
      case "WARN_90" -> "#ef6c00";
      case "WARN_50" -> "#f9a825";
      default -> "#2e7d32";
    };
    bar.setStyle("-fx-accent: " + c + ";");
  }

  private static <T> TableColumn<T, String> col(String name, double w, Function<T, String> f) {
    TableColumn<T, String> c = new TableColumn<>(name);
    c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(f.apply(cd.getValue())));
    c.setPrefWidth(w);
    return c;
  }

  public Parent root() {
    return root;
  }
}
