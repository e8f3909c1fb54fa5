package dev.headroom.ui.cost;

import dev.headroom.billing.BilledSummary;
import dev.headroom.billing.GcpBilled;
import dev.headroom.billing.IdleVm;
import dev.headroom.ui.Format;
import dev.headroom.ui.Tables;
import java.util.List;
import javafx.collections.ListChangeListener;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The "GCP bill" section of the Costs tab: billed vs estimated, a by-service bar chart, projects, the account's
 * budgets, spikes, idle VMs (Headroom's own marked; the others only point to the console) and any problem reading them.
 */
public final class GcpBillPane {
  private final VBox root;

  public GcpBillPane(GcpBillViewModel vm) {
    Label title = new Label("GCP bill (Cloud Billing export)");
    title.getStyleClass().add("section-title");
    Label billed = bound(vm.billedProperty(), "gcp-billed");
    billed.getStyleClass().add("headline-small");
    Label freshness = bound(vm.freshnessProperty(), "gcp-freshness");
    freshness.getStyleClass().add("caption");
    Label nowcast = bound(vm.nowcastProperty(), "gcp-nowcast");
    Label problems = bound(vm.problemsProperty(), "gcp-problems");
    problems.getStyleClass().add("warning");
    problems.setStyle("-fx-text-fill: #b45309;");
    problems.visibleProperty().bind(vm.hasProblemsProperty());
    problems.managedProperty().bind(vm.hasProblemsProperty());
    VBox spikes = new VBox(2);
    spikes.setId("gcp-spikes");
    vm.spikes().addListener((ListChangeListener<String>) c -> fillSpikes(spikes, vm.spikes()));
    fillSpikes(spikes, vm.spikes());
    VBox summary = new VBox(3, title, billed, freshness, nowcast, spikes, problems);
    summary.setPrefWidth(380);
    summary.setMinWidth(260);

    GridPane bars = new GridPane();
    bars.setId("gcp-services");
    bars.setHgap(8);
    bars.setVgap(3);
    vm.services().addListener((ListChangeListener<GcpBillViewModel.ServiceBar>) c -> fillBars(bars, vm.services()));
    fillBars(bars, vm.services());
    Label servicesTitle = new Label("By service, month to date");
    servicesTitle.getStyleClass().add("section-title");
    Format f = Format.DEFAULT;
    TableView<BilledSummary.ProjectCost> projects = new TableView<>(vm.projects());
    projects.setId("gcp-projects");
    projects.setPlaceholder(new Label("No project rows yet."));
    projects.getColumns().setAll(List.of(
        Tables.column("Project", 120, BilledSummary.ProjectCost::project),
        Tables.number("Month", 80, p -> f.money(p.monthToDate())),
        Tables.number("Today", 70, p -> f.money(p.today()))));
    Tables.fill(projects);
    projects.setPrefHeight(110);
    VBox byService = new VBox(4, servicesTitle, bars, projects);
    byService.setPrefWidth(360);
    VBox.setVgrow(projects, Priority.ALWAYS);

    TableView<GcpBilled.BudgetView> budgets = new TableView<>(vm.budgets());
    budgets.setId("gcp-budgets");
    budgets.setPlaceholder(new Label("No budgets on the billing account."));
    budgets.getColumns().setAll(List.of(
        Tables.column("Account budget", 120, b -> b.name()),
        Tables.number("Spent", 75, b -> b.spent() == null ? "—" : f.money(b.spent())),
        Tables.number("Amount", 75, b -> b.amount() == null ? "last period" : f.money(b.amount())),
        Tables.number("Used", 55, b -> b.percent() == null ? "—" : b.percent().toPlainString() + " %"),
        Tables.column("Alerts at", 95, GcpBillViewModel::thresholds)));
    Tables.fill(budgets);
    budgets.setPrefHeight(95);
    TableView<IdleVm> idle = new TableView<>(vm.idleVms());
    idle.setId("gcp-idle");
    idle.setPlaceholder(new Label("No idle VMs recommended."));
    idle.getColumns().setAll(List.of(
        Tables.column("Idle VM", 150, v -> v.name() + (v.headroom() ? " (Headroom's)" : "")),
        Tables.column("Zone", 90, IdleVm::zone),
        Tables.number("$/h", 70, v -> f.money(v.perHour())),
        Tables.column("Console", 120, v -> v.headroom() ? "Headroom reaps it" : v.consoleUrl())));
    Tables.fill(idle);
    idle.setRowFactory(t -> {
      javafx.scene.control.TableRow<IdleVm> row = new javafx.scene.control.TableRow<>();
      row.itemProperty().addListener((o, a, v) -> row.setTooltip(v == null ? null : new Tooltip(v.description()
          + (v.headroom() ? "" : "\nHeadroom never deletes VMs it did not create: " + v.consoleUrl()))));
      return row;
    });
    idle.setPrefHeight(95);
    VBox right = new VBox(6, budgets, idle);
    right.setPrefWidth(460);
    VBox.setVgrow(budgets, Priority.ALWAYS);
    VBox.setVgrow(idle, Priority.ALWAYS);

    HBox columns = new HBox(14, summary, byService, right);
    HBox.setHgrow(byService, Priority.ALWAYS);
    HBox.setHgrow(right, Priority.ALWAYS);
    root = new VBox(columns);
    root.setId("gcp-bill");
    root.setMinHeight(Region.USE_PREF_SIZE);
    root.setPrefHeight(230);
  }

  private static Label bound(javafx.beans.value.ObservableValue<String> text, String id) {
    Label l = new Label();
    l.setId(id);
    l.setWrapText(true);
    l.textProperty().bind(text);
    return l;
  }

  private static void fillSpikes(VBox box, List<String> spikes) {
    box.getChildren().setAll(spikes.stream().map(s -> {
      Label l = new Label(s);
      l.setWrapText(true);
      l.setStyle("-fx-text-fill: #c62828; -fx-font-weight: bold;");
      return (javafx.scene.Node) l;
    }).toList());
  }

  private static void fillBars(GridPane grid, List<GcpBillViewModel.ServiceBar> bars) {
    grid.getChildren().clear();
    int row = 0;
    for (GcpBillViewModel.ServiceBar b : bars) {
      Label name = new Label(b.service());
      name.setMinWidth(110);
      ProgressBar bar = new ProgressBar(b.fraction());
      bar.setMaxWidth(Double.MAX_VALUE);
      bar.setPrefWidth(140);
      GridPane.setHgrow(bar, Priority.ALWAYS);
      Label amount = new Label(b.amount());
      amount.setMinWidth(Region.USE_PREF_SIZE);
      grid.addRow(row++, name, bar, amount);
    }
  }

  public Parent root() {
    return root;
  }
}
