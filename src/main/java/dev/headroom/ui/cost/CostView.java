package dev.headroom.ui.cost;

import dev.headroom.cost.CostSnapshot;
import dev.headroom.ui.Charts;
import dev.headroom.ui.Format;
import dev.headroom.ui.Labels;
import javafx.css.PseudoClass;
import io.fair_acc.chartfx.renderer.ErrorStyle;
import io.fair_acc.chartfx.renderer.LineStyle;
import io.fair_acc.chartfx.renderer.spi.ErrorDataSetRenderer;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.stage.DirectoryChooser;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TableRow;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
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
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/** The unified cost view: totals, burn rate, split, budget bars, per-model and per-VM tables, a cost chart. */
public final class CostView {
  private final ScrollPane root;
  private final VBox content;

  public CostView(CostViewModel vm) {
    String[] titles = {"Today", "Month to date", "Burn rate", "Month-end forecast"};
    List<ReadOnlyStringProperty> values = List.of(vm.todayProperty(), vm.monthProperty(), vm.burnProperty(),
        vm.forecastProperty());
    String[] help = {"LLM + GCP spend since midnight (local time).", "LLM + GCP spend since the 1st.",
        CostViewModel.BURN_HELP, CostViewModel.FORECAST_HELP};
    FlowPane totals = new FlowPane(28, 6);
    for (int i = 0; i < titles.length; i++) {
      Label t = new Label(titles[i]);
      t.getStyleClass().add("section-title");
      Label v = new Label();
      v.setId("cost-" + i);
      v.getStyleClass().add("headline");
      v.textProperty().bind(values.get(i));
      VBox tile = new VBox(1, t, v);
      if (i == 2) {
        tile.getChildren().add(caption("last 10 min × 6 + running VMs"));
      } else if (i == 3) {
        Label note = caption("");
        note.setId("cost-forecast-note");
        note.textProperty().bind(vm.forecastNoteProperty());
        note.setWrapText(true);
        note.setMaxWidth(260);
        tile.getChildren().add(note);
      }
      Tooltip.install(tile, new Tooltip(help[i]));
      totals.getChildren().add(tile);
    }
    Label split = new Label();
    split.setId("cost-split");
    split.setWrapText(true);
    split.textProperty().bind(vm.splitProperty());

    VBox daily = bar(vm.dailyTextProperty(), vm.dailyLevelProperty(), vm, true, "cost-daily");
    VBox monthly = bar(vm.monthlyTextProperty(), vm.monthlyLevelProperty(), vm, false, "cost-monthly");
    HBox budgets = new HBox(16, daily, monthly);
    HBox.setHgrow(daily, Priority.ALWAYS);
    HBox.setHgrow(monthly, Priority.ALWAYS);

    Format f = Format.DEFAULT;
    TableView<CostSnapshot.ModelCost> models = new TableView<>(vm.models());
    models.setId("cost-models");
    models.setPlaceholder(wrapped("No LLM calls today. Route tools through the gateway or POST /usage."));
    models.getColumns().setAll(List.of(
        Tables.column("Model", 150, m -> m.model() + " · " + m.provider()),
        Tables.number("Cost today", 90, m -> m.unpriced() == m.calls() ? "unpriced"
            : CostViewModel.usd(m.cost()) + (m.unpriced() > 0 ? " + " + f.count(m.unpriced()) + " unpriced" : "")),
        Tables.number("Calls", 55, m -> f.count(m.calls())),
        Tables.number("Tokens in", 120, m -> f.count(m.inputTokens())
            + (m.cachedTokens() > 0 ? " (" + f.count(m.cachedTokens()) + " cached)" : "")),
        Tables.number("Tokens out", 120, m -> f.count(m.outputTokens())
            + (m.reasoningTokens() > 0 ? " (" + f.count(m.reasoningTokens()) + " reasoning)" : ""))));
    Tables.fill(models);
    models.setRowFactory(t -> new TableRow<>() {
      @Override
      protected void updateItem(CostSnapshot.ModelCost m, boolean empty) {
        super.updateItem(m, empty);
        pseudoClassStateChanged(UNPRICED, !empty && m != null && m.unpriced() > 0);
      }
    });
    TableView<CostSnapshot.VmCost> vmTable = new TableView<>(vm.vms());
    vmTable.setId("cost-vms");
    vmTable.setPlaceholder(wrapped("No Spot VM has run this month."));
    vmTable.getColumns().setAll(List.of(
        Tables.column("VM", 150, v -> v.name() + " · " + v.machineType()),
        Tables.number("Cost (est.)", 80, v -> CostViewModel.usd(v.costSoFar())),
        Tables.number("$/h", 65, v -> v.priced() ? f.money(v.perHour()) : "unknown"),
        Tables.column("State", 65, v -> v.running() ? "Running" : "Ended")));
    Tables.fill(vmTable);
    Label modelsTitle = new Label("LLM models today");
    modelsTitle.getStyleClass().add("section-title");
    Label vmsTitle = new Label("Spot VMs this month");
    vmsTitle.getStyleClass().add("section-title");
    Label bookDate = caption("");
    bookDate.textProperty().bind(vm.priceBookProperty());
    modelBox = new VBox(4, modelsTitle, models, bookDate);
    vmBox = new VBox(4, vmsTitle, vmTable);
    VBox.setVgrow(models, Priority.ALWAYS);
    VBox.setVgrow(vmTable, Priority.ALWAYS);
    models.setMinHeight(90);
    vmTable.setMinHeight(90);
    tables = new HBox(10, modelBox, vmBox);
    HBox.setHgrow(modelBox, Priority.ALWAYS);
    HBox.setHgrow(vmBox, Priority.ALWAYS);
    modelBox.setPrefWidth(600);
    vmBox.setPrefWidth(400);
    tables.setPrefHeight(240);
    tables.setMinHeight(150);
    VBox.setVgrow(tables, Priority.ALWAYS);
    // Compact (a small window): one table at a time, full width, so no column scrolls off and the chart stays in view.
    tabbed = new TabPane();
    tabbed.setId("cost-tables-tabs");
    tabbed.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
    tabbed.getTabs().setAll(new Tab("LLM models today"), new Tab("Spot VMs this month"), new Tab("GCP bill"));
    gcpScroll = new ScrollPane();
    gcpScroll.setFitToWidth(true);
    gcpScroll.getStyleClass().add("edge-to-edge");
    tabbed.setMinHeight(130);
    tabbed.setPrefHeight(200);
    VBox.setVgrow(tabbed, Priority.ALWAYS);
    modelsTitle.managedProperty().bind(modelsTitle.visibleProperty());
    vmsTitle.managedProperty().bind(vmsTitle.visibleProperty());

    DefaultNumericAxis y = new DefaultNumericAxis("Spend", 0, CostViewModel.MIN_AXIS, CostViewModel.MIN_AXIS / 5);
    y.setUnit("$");
    y.setAutoRanging(false);
    y.setAutoRangeRounding(false);
    vm.axisMaxProperty().addListener((o, a, max) -> {
      y.setMax(max.doubleValue());
      y.setTickUnit(max.doubleValue() / 5);
    });
    XYChart chart = Charts.timeChart(y, List.of(vm.todaySeries()));
    ErrorDataSetRenderer bars = new ErrorDataSetRenderer();
    bars.setDrawBars(true);
    bars.setDrawMarker(false);
    bars.setPolyLineStyle(LineStyle.NONE);
    bars.setErrorStyle(ErrorStyle.NONE);
    bars.getDatasets().add(vm.daySeries());
    chart.getRenderers().add(bars);
    chart.setId("cost-chart");
    chart.setLegendVisible(false);
    chart.setPrefHeight(200);
    chart.setMinHeight(COMPACT_CHART); // below this the axes crowd out the plot; the tab scrolls instead
    VBox.setVgrow(chart, Priority.SOMETIMES);

    ToggleGroup group = new ToggleGroup();
    HBox rangeBar = new HBox(4);
    rangeBar.setAlignment(Pos.CENTER_LEFT);
    for (CostRange r : CostRange.values()) {
      ToggleButton b = new ToggleButton(r.toString());
      b.setId("cost-range-" + r.name());
      b.setToggleGroup(group);
      b.setSelected(r == vm.rangeProperty().get());
      b.setMinWidth(Region.USE_PREF_SIZE);
      b.setOnAction(e -> {
        b.setSelected(true);
        vm.selectRange(r);
      });
      rangeBar.getChildren().add(b);
    }
    Label chartTitle = new Label();
    chartTitle.getStyleClass().add("section-title");
    chartTitle.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() ->
        vm.rangeProperty().get().perDay() ? "Spend per day (LLM + GCP estimate)" : "Spend today, as it grew",
        vm.rangeProperty()));
    Button export = new Button("Export CSV…");
    export.setId("cost-export");
    export.setMinWidth(Region.USE_PREF_SIZE);
    export.setTooltip(new Tooltip("Cost per day, per model and per VM over the selected range, as three CSV files."));
    export.setOnAction(e -> {
      DirectoryChooser chooser = new DirectoryChooser();
      chooser.setTitle("Export cost CSV files to");
      java.io.File dir = chooser.showDialog(export.getScene().getWindow());
      if (dir != null) {
        vm.exportCsv(dir.toPath());
      }
    });
    Label exported = caption("");
    exported.textProperty().bind(vm.messageProperty());
    exported.setMinWidth(0);
    Region gap = new Region();
    HBox.setHgrow(gap, Priority.ALWAYS);
    HBox chartBar = new HBox(8, chartTitle, gap, exported, rangeBar, export);
    chartBar.setAlignment(Pos.CENTER_LEFT);
    chartBar.setMinHeight(Region.USE_PREF_SIZE);

    totals.setMinHeight(Region.USE_PREF_SIZE);
    budgets.setMinHeight(Region.USE_PREF_SIZE);
    split.setMinHeight(Region.USE_PREF_SIZE);
    gcpBill = new GcpBillPane(vm.gcpBill()).root();
    content = new VBox(10, totals, split, budgets, gcpBill, tables, chartBar, chart);
    content.setPadding(new Insets(12));
    root = new ScrollPane(content);
    root.setFitToWidth(true);
    root.setFitToHeight(true);
    // Fill the window when it is tall enough; below the content's minimum, scroll rather than squeeze the chart.
    // Below COMPACT_HEIGHT the two tables share one tabbed box, so the chart keeps a useful height in view.
    root.viewportBoundsProperty().addListener((o, a, b) -> {
      setCompact(b.getHeight() < COMPACT_HEIGHT || b.getWidth() < COMPACT_WIDTH);
      root.setFitToHeight(b.getHeight() >= content.minHeight(-1));
    });
    root.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
    root.getStyleClass().add("edge-to-edge");
  }

  /** Viewports lower or narrower than this get the compact layout (one table at a time). */
  static final double COMPACT_HEIGHT = 700;
  static final double COMPACT_WIDTH = 1000;
  static final double COMPACT_CHART = 150;
  private final VBox modelBox;
  private final VBox vmBox;
  private final HBox tables;
  private final TabPane tabbed;
  private final Parent gcpBill;
  private final ScrollPane gcpScroll;
  private boolean compact;

  private void setCompact(boolean on) {
    if (on == compact) {
      return;
    }
    compact = on;
    if (on) {
      tables.getChildren().clear();
      content.getChildren().remove(gcpBill);
      tabbed.getTabs().get(0).setContent(modelBox);
      tabbed.getTabs().get(1).setContent(vmBox);
      gcpScroll.setContent(gcpBill);
      tabbed.getTabs().get(2).setContent(gcpScroll);
      content.getChildren().set(content.getChildren().indexOf(tables), tabbed);
      content.setSpacing(8);
    } else {
      tabbed.getTabs().forEach(t -> t.setContent(null));
      gcpScroll.setContent(null);
      tables.getChildren().setAll(modelBox, vmBox);
      int i = content.getChildren().indexOf(tabbed);
      content.getChildren().set(i, tables);
      content.getChildren().add(i, gcpBill);
      content.setSpacing(10);
    }
    // The tab names the table; its own title would take a line.
    modelBox.getChildren().get(0).setVisible(!on);
    vmBox.getChildren().get(0).setVisible(!on);
  }

  /** Whether the compact layout is in use (tests). */
  public boolean compact() {
    return compact;
  }

  private static final PseudoClass UNPRICED = PseudoClass.getPseudoClass("unpriced");

  private static Label wrapped(String text) {
    Label l = new Label(text);
    l.setWrapText(true);
    l.setPadding(new Insets(8));
    return l;
  }

  private static Label caption(String text) {
    Label l = new Label(text);
    l.getStyleClass().add("caption");
    return l;
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
    Tooltip tip = new Tooltip();
    label.setTooltip(tip);
    level.addListener((o, a, l) -> color(bar, tip, l));
    color(bar, tip, level.get());
    return new VBox(2, label, bar);
  }

  private static void color(ProgressBar bar, Tooltip tip, String level) {
    tip.setText(Labels.of(level).tooltip());
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
