package dev.headroom.ui.memory;

import dev.headroom.memory.Pressure;
import dev.headroom.memory.ProcessMemory;
import dev.headroom.ui.Charts;
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
    Label badge = new Label();
    badge.setId("memory-pressure");
    badge.getStyleClass().add("badge");
    badge.textProperty().bind(vm.pressureProperty().asString());
    vm.pressureProperty().addListener((o, a, p) -> styleBadge(badge, p));
    styleBadge(badge, vm.pressureProperty().get());
    Label swap = new Label();
    swap.textProperty().bind(vm.swapProperty());
    Label projection = new Label();
    projection.setId("memory-projection");
    projection.textProperty().bind(vm.projectionProperty());

    ToggleGroup ranges = new ToggleGroup();
    HBox rangeBar = new HBox(4);
    rangeBar.setAlignment(Pos.CENTER_RIGHT);
    for (ChartRange r : ChartRange.values()) {
      ToggleButton b = new ToggleButton(r.toString());
      b.setId("range-" + r.name());
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
    HBox headline = new HBox(12, used, badge, spacer, rangeBar);
    headline.setAlignment(Pos.CENTER_LEFT);
    HBox sub = new HBox(24, swap, projection,
        new Label(String.format("Auto-create threshold %.0f %%", vm.thresholdPercent())));
    VBox top = new VBox(6, headline, sub);
    top.setPadding(new Insets(12, 12, 6, 12));

    DefaultNumericAxis y = new DefaultNumericAxis("Used", 0, 100, 10);
    y.setUnit("%");
    y.setAutoRanging(false);
    chart = Charts.timeChart(y, vm.chart().dataSets());
    chart.setId("memory-chart");
    chart.setLegendVisible(true);
    VBox.setVgrow(chart, Priority.ALWAYS);

    TableView<ProcessMemory> table = new TableView<>(vm.processes());
    table.setId("top-processes");
    table.setPrefWidth(300);
    table.setPlaceholder(new Label("Loading processes…"));
    TableColumn<ProcessMemory, String> name = new TableColumn<>("Process");
    name.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().name() + " (" + c.getValue().pid() + ")"));
    name.setPrefWidth(180);
    TableColumn<ProcessMemory, Long> rss = new TableColumn<>("Resident");
    rss.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().residentBytes()));
    rss.setCellFactory(c -> new javafx.scene.control.TableCell<>() {
      @Override
      protected void updateItem(Long v, boolean empty) {
        super.updateItem(v, empty);
        setText(empty || v == null ? null : MemoryViewModel.gib(v));
      }
    });
    rss.setPrefWidth(100);
    table.getColumns().setAll(java.util.List.of(name, rss));
    Label tableTitle = new Label("Top processes by memory");
    tableTitle.getStyleClass().add("section-title");
    VBox side = new VBox(6, tableTitle, table);
    VBox.setVgrow(table, Priority.ALWAYS);
    side.setPadding(new Insets(0, 12, 12, 0));

    root.setTop(top);
    BorderPane.setMargin(chart, new Insets(0, 8, 12, 12));
    root.setCenter(chart);
    root.setRight(side);
  }

  private static void styleBadge(Label badge, Pressure p) {
    String color = switch (p) {
      case NORMAL -> "#2e7d32";
      case HIGH -> "#ef6c00";
      case CRITICAL -> "#c62828";
    };
    badge.setStyle("-fx-background-color: " + color + "; -fx-text-fill: white; -fx-padding: 2 8;"
        + " -fx-background-radius: 8; -fx-font-weight: bold;");
  }

  public Parent root() {
    return root;
  }

  public XYChart chart() {
    return chart;
  }
}
