package dev.headroom.ui.gateway;

import dev.headroom.gateway.RouteStats;
import dev.headroom.ui.Tables;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import javafx.geometry.Insets;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** The gateway's routes with live counts and where each would send a request now. */
public final class RoutesView {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
  private final VBox root;

  public RoutesView(RoutesViewModel vm) {
    Label header = new Label();
    header.setId("routes-header");
    header.getStyleClass().add("section-title");
    header.textProperty().bind(vm.headerProperty());
    TableView<RouteStats> table = new TableView<>(vm.rows());
    table.setId("routes");
    table.getColumns().setAll(List.of(
        Tables.<RouteStats>column("Route", 100, RouteStats::name),
        Tables.<RouteStats>column("Prefix", 110, RouteStats::pathPrefix),
        Tables.<RouteStats>column("Policy", 170, s -> s.policy().name()),
        Tables.<RouteStats>column("Kind", 90, RouteStats::kind),
        Tables.<RouteStats>column("Target now", 90, RouteStats::target),
        Tables.<RouteStats>column("Local URL", 200, RouteStats::localUrl),
        Tables.<RouteStats>column("Requests", 80, s -> String.valueOf(s.requests())),
        Tables.<RouteStats>column("Errors", 60, s -> String.valueOf(s.errors())),
        Tables.<RouteStats>column("Cloud share", 90, s -> s.requests() == 0 ? "—"
            : Math.round(100.0 * s.cloud() / Math.max(1, s.cloud() + s.local())) + " %"),
        Tables.<RouteStats>column("Last request", 100, s -> s.lastRequest().map(TIME::format).orElse("—"))));
    VBox.setVgrow(table, Priority.ALWAYS);
    Label help = new Label("Point your tools at these prefixes: e.g. OPENAI_BASE_URL=<gateway>/openai/v1 meters tokens;"
        + " /work/ goes to the Spot VM's backend while memory is under pressure.");
    help.setWrapText(true);
    root = new VBox(8, header, table, help);
    root.setPadding(new Insets(12));
  }

  public Parent root() {
    return root;
  }
}
