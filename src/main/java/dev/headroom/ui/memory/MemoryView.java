package dev.headroom.ui.memory;

import dev.headroom.memory.Pressure;
import dev.headroom.memory.ProcessMemory;
import dev.headroom.ui.Charts;
import dev.headroom.ui.Format;
import dev.headroom.ui.Labels;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import io.fair_acc.chartfx.XYChart;
import io.fair_acc.chartfx.axes.spi.DefaultNumericAxis;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/** The memory tab: headline, pressure badge, live ChartFx chart with ranges, top processes. */
public final class MemoryView {
  private final BorderPane root = new BorderPane();
  private final XYChart chart;

  public MemoryView(MemoryViewModel vm) {
    Label used = new Label();
    used.getStyleClass().add("headline");
    used.setId("memory-used");
    used.textProperty().bind(vm.usedProperty());
    used.setMinWidth(Region.USE_PREF_SIZE);
    Label badge = new Label();
    badge.setId("memory-pressure");
    badge.getStyleClass().add("badge");
    badge.setMinWidth(Region.USE_PREF_SIZE);
    Tooltip badgeTip = new Tooltip();
    badge.setTooltip(badgeTip);
    vm.pressureProperty().addListener((o, a, p) -> styleBadge(badge, badgeTip, p));
    styleBadge(badge, badgeTip, vm.pressureProperty().get());
    Label detail = new Label();
    detail.setId("memory-detail");
    detail.textProperty().bind(vm.usedDetailProperty());
    Label swap = new Label();
    swap.textProperty().bind(vm.swapProperty());
    Label projection = new Label();
    projection.setId("memory-projection");
    projection.textProperty().bind(vm.projectionProperty());
    projection.setTooltip(new Tooltip("A straight line fitted to the last minute of readings, carried forward."
        + "\nAuto-create also fires when this line crosses the threshold."));
    Label history = new Label();
    history.setId("memory-history");
    history.getStyleClass().add("caption");
    history.textProperty().bind(vm.historyProperty());
    history.visibleProperty().bind(vm.historyProperty().isNotEmpty());
    history.managedProperty().bind(history.visibleProperty());

    ToggleGroup ranges = new ToggleGroup();
    HBox rangeBar = new HBox(4);
    rangeBar.setAlignment(Pos.CENTER_RIGHT);
    for (ChartRange r : ChartRange.values()) {
      ToggleButton b = new ToggleButton(r.toString());
      b.setId("range-" + r.name());
      b.setMinWidth(Region.USE_PREF_SIZE);
      b.setToggleGroup(ranges);
      b.setSelected(r == vm.rangeProperty().get());
      b.setOnAction(e -> {
        b.setSelected(true);
        vm.selectRange(r);
      });
      rangeBar.getChildren().add(b);
    }
    Region spacer = new Region();
    HBox.setHgrow(spacer, Priority.ALWAYS);
    javafx.scene.control.Button export = new javafx.scene.control.Button("CSV…");
    export.setId("memory-export");
    export.setTooltip(new Tooltip("Export the chart's range of memory history as a CSV file."));
    export.setMinWidth(Region.USE_PREF_SIZE);
    export.setOnAction(e -> {
      javafx.stage.FileChooser chooser = new javafx.stage.FileChooser();
      chooser.setTitle("Export memory history");
      chooser.setInitialFileName("memory-history.csv");
      java.io.File file = chooser.showSaveDialog(export.getScene().getWindow());
      if (file != null) {
        vm.exportCsv(file.toPath());
      }
    });
    rangeBar.getChildren().add(export);
    rangeBar.setMinWidth(Region.USE_PREF_SIZE);
    HBox headline = new HBox(12, used, badge, spacer, rangeBar);
    headline.setAlignment(Pos.CENTER_LEFT);
    Label threshold = new Label();
    threshold.setId("memory-threshold");
    threshold.textProperty().bind(vm.thresholdTextProperty());
    threshold.setTooltip(new Tooltip("At this use, pressure is High; with auto-create on (Preferences) a Spot VM is"
        + " created when it lasts.\nOn the chart: a solid line when auto-create is on, dashed grey when it is off."));
    Label exported = new Label();
    exported.getStyleClass().add("caption");
    exported.textProperty().bind(vm.exportMessageProperty());
    exported.visibleProperty().bind(vm.exportMessageProperty().isNotEmpty());
    exported.managedProperty().bind(exported.visibleProperty());
    FlowPane sub = new FlowPane(24, 4, detail, swap, projection, threshold, history, exported);
    VBox top = new VBox(6, headline, sub);
    top.setPadding(new Insets(12, 12, 6, 12));

    DefaultNumericAxis y = new DefaultNumericAxis("Used", 0, 100, 10);
    y.setUnit("%");
    y.setAutoRanging(false);
    chart = Charts.timeChart(y, vm.chart().dataSets());
    chart.setId("memory-chart");
    // ChartFx redraws its legend's symbols after every data change; this one is drawn once (and says whether
    // auto-create is on, following Preferences).
    chart.setLegendVisible(false);
    staticGrid(chart);
    // The threshold line follows auto-create being switched in Preferences (a data set swap: FX thread, no data write).
    vm.autoCreateOnProperty().addListener((o, was, on) -> {
      var sets = chart.getRenderers().get(0).getDatasets();
      int i = sets.indexOf(vm.chart().threshold(was));
      if (i >= 0) {
        sets.set(i, vm.chart().threshold(on));
      }
    });
    VBox.setVgrow(chart, Priority.ALWAYS);

    TableView<ProcessMemory> table = new TableView<>(vm.processes());
    table.setId("top-processes");
    table.setPrefWidth(300);
    table.setMinWidth(220);
    table.getStyleClass().add("dense");
    table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_ALL_COLUMNS);
    table.setPlaceholder(new Label("Loading processes…"));
    TableColumn<ProcessMemory, String> name = new TableColumn<>("Process");
    name.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().name() + " (" + c.getValue().pid() + ")"));
    name.setPrefWidth(180);
    name.setCellFactory(c -> new javafx.scene.control.TableCell<>() {
      private final Tooltip tip = new Tooltip();

      @Override
      protected void updateItem(String v, boolean empty) {
        super.updateItem(v, empty);
        setText(empty ? null : v);
        tip.setText(v);
        setTooltip(empty || v == null ? null : tip);
      }
    });
    TableColumn<ProcessMemory, Long> rss = new TableColumn<>("Resident");
    rss.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().residentBytes()));
    rss.setCellFactory(c -> new javafx.scene.control.TableCell<>() {
      @Override
      protected void updateItem(Long v, boolean empty) {
        super.updateItem(v, empty);
        setText(empty || v == null ? null : Format.DEFAULT.bytes(v));
      }
    });
    rss.setPrefWidth(90);
    rss.setStyle("-fx-alignment: CENTER-RIGHT;");
    table.getColumns().setAll(java.util.List.of(name, rss));
    Label tableTitle = new Label("Top processes by memory");
    tableTitle.getStyleClass().add("section-title");
    VBox side = new VBox(6, tableTitle, table);
    VBox.setVgrow(table, Priority.ALWAYS);
    side.setPadding(new Insets(0, 12, 12, 0));

    FlowPane legend = legend(vm);
    VBox chartBox = new VBox(2, chart, legend);
    VBox.setVgrow(chart, Priority.ALWAYS);
    root.setTop(top);
    BorderPane.setMargin(chartBox, new Insets(0, 8, 8, 12));
    root.setCenter(chartBox);
    root.setRight(side);
  }

  /** Series keys drawn once: a short line in the series' colour (AtlantaFX chart palette, as ChartFx uses) and its name. */
  private static FlowPane legend(MemoryViewModel vm) {
    // Wraps on a narrow window rather than cutting the names short.
    FlowPane legend = new FlowPane(16, 2);
    legend.setId("memory-legend");
    legend.setAlignment(Pos.CENTER);
    legend.setMinHeight(Region.USE_PREF_SIZE);
    legend.getChildren().addAll(key("Used RAM %", "legend-used"), key("Swap %", "legend-swap"));
    Label threshold = key("", "legend-threshold");
    threshold.setId("memory-legend-threshold");
    Runnable follow = () -> {
      boolean on = vm.autoCreateOnProperty().get();
      threshold.setText(on ? "Auto-create threshold" : "Threshold (auto-create off)");
      threshold.getGraphic().getStyleClass().setAll("legend-key", on ? "legend-threshold-on" : "legend-threshold-off");
    };
    vm.autoCreateOnProperty().addListener((o, a, b) -> follow.run());
    follow.run();
    legend.getChildren().addAll(threshold, key("60 s projection", "legend-projection"));
    return legend;
  }

  private static Label key(String text, String style) {
    javafx.scene.shape.Line line = new javafx.scene.shape.Line(0, 0, 18, 0);
    line.getStyleClass().setAll("legend-key", style);
    Label l = new Label(text, line);
    l.getStyleClass().add("caption");
    l.setMinWidth(Region.USE_PREF_SIZE);
    return l;
  }

  /**
   * The y axis is fixed (0..100 %, a line every 10 %), so its grid is drawn once as scene lines under the plot
   * instead of by ChartFx at every redraw: ChartFx strokes each grid line as a rectangle filled with a dash
   * pattern image (re-created whenever its cache entry is collected), which costs more than the series themselves
   * in software rendering. The time grid is left to the axis ticks.
   */
  static void staticGrid(XYChart chart) {
    chart.getStyleClass().add("static-grid");
    javafx.scene.layout.Pane plot = chart.getPlotBackground();
    javafx.scene.Group lines = new javafx.scene.Group();
    lines.setManaged(false);
    for (int i = 1; i < 10; i++) {
      javafx.scene.shape.Line l = new javafx.scene.shape.Line();
      l.getStyleClass().add("static-grid-line");
      double fraction = i / 10.0;
      l.startYProperty().bind(plot.heightProperty().multiply(1 - fraction).map(y -> Math.floor(y.doubleValue())
          + 0.5));
      l.endYProperty().bind(l.startYProperty());
      l.endXProperty().bind(plot.widthProperty());
      lines.getChildren().add(l);
    }
    plot.getChildren().add(lines);
  }

  private static void styleBadge(Label badge, Tooltip tip, Pressure p) {
    Labels.Human h = Labels.of(p);
    badge.setText(h.text());
    tip.setText(h.tooltip());
    badge.getStyleClass().removeAll("pressure-normal", "pressure-high", "pressure-critical");
    badge.getStyleClass().add("pressure-" + p.name().toLowerCase(java.util.Locale.ROOT));
  }

  public Parent root() {
    return root;
  }

  public XYChart chart() {
    return chart;
  }
}
