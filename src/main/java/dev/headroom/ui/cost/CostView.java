package dev.headroom.ui.cost;

import dev.headroom.cost.CostSnapshot;
import dev.headroom.ui.Charts;
import dev.headroom.ui.Tables;
import io.fair_acc.chartfx.XYChart;
import io.fair_acc.chartfx.axes.spi.DefaultNumericAxis;
import java.util.List;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.geometry.Insets;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
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
        Tables.column("Provider", 80, CostSnapshot.ModelCost::provider),
        Tables.column("Model", 170, CostSnapshot.ModelCost::model),
        Tables.column("Calls", 60, m -> String.valueOf(m.calls())),
        Tables.column("In (cached)", 110, m -> m.inputTokens() + " (" + m.cachedTokens() + ")"),
        Tables.column("Out (+reasoning)", 120, m -> m.outputTokens() + " (+" + m.reasoningTokens() + ")"),
        Tables.column("Cost", 120, m -> m.unpriced() == m.calls() ? "unpriced"
            : CostViewModel.usd(m.cost()) + (m.unpriced() > 0 ? " + " + m.unpriced() + " unpriced" : ""))));
    TableView<CostSnapshot.VmCost> vmTable = new TableView<>(vm.vms());
    vmTable.setId("cost-vms");
    vmTable.setPlaceholder(new Label("No Spot VM has run this month."));
    vmTable.getColumns().setAll(List.of(
        Tables.column("VM", 210, CostSnapshot.VmCost::name),
        Tables.column("Type", 100, CostSnapshot.VmCost::machineType),
        Tables.column("$/h", 70, v -> v.priced() ? CostViewModel.usd(v.perHour()) : "unknown"),
        Tables.column("Cost (estimate)", 110, v -> CostViewModel.usd(v.costSoFar())),
        Tables.column("State", 70, v -> v.running() ? "running" : "ended")));
    HBox tables = new HBox(10, models, vmTable);
    HBox.setHgrow(models, Priority.ALWAYS);
    HBox.setHgrow(vmTable, Priority.ALWAYS);
    tables.setPrefHeight(200);
    tables.setMinHeight(140);

    DefaultNumericAxis y = new DefaultNumericAxis("Spend today");
    y.setUnit("$");
    XYChart chart = Charts.timeChart(y, List.of(vm.todaySeries()));
    chart.setId("cost-chart");
    chart.setLegendVisible(false);
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

  public Parent root() {
    return root;
  }
}
