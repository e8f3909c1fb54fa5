package dev.headroom.ui.gateway;

import dev.headroom.gateway.RouteStats;
import dev.headroom.ui.Format;
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
    header.setWrapText(true);
    header.textProperty().bind(vm.headerProperty());
    Label tunnel = new Label();
    tunnel.setId("routes-tunnel");
    tunnel.setWrapText(true);
    tunnel.textProperty().bind(vm.tunnelProperty());
    TableView<RouteStats> table = new TableView<>(vm.rows());
    table.setId("routes");
    Format f = Format.DEFAULT;
    table.getColumns().setAll(List.of(
        Tables.<RouteStats>column("Route", 90, RouteStats::name),
        Tables.<RouteStats>column("Prefix", 100, RouteStats::pathPrefix),
        Tables.<RouteStats>code("Policy", 170, s -> s.policy().name()),
        Tables.<RouteStats>code("Sends to now", 95, s -> s.target().label()),
        Tables.<RouteStats>number("Requests", 75, s -> f.count(s.requests())),
        Tables.<RouteStats>number("Errors", 60, s -> f.count(s.errors())),
        Tables.<RouteStats>number("To the VM", 80, s -> s.requests() == 0 ? "—"
            : f.wholePercent(100.0 * s.cloud() / Math.max(1, s.cloud() + s.local()))),
        Tables.<RouteStats>column("Last request", 95, s -> s.lastRequest().map(TIME::format).orElse("—")),
        Tables.<RouteStats>code("Kind", 100, RouteStats::kind),
        Tables.<RouteStats>column("Local or provider URL", 200, RouteStats::localUrl)));
    Tables.fill(table);
    VBox.setVgrow(table, Priority.ALWAYS);
    Label help = new Label("Point your tools at these prefixes: e.g. OPENAI_BASE_URL=<gateway>/openai/v1 meters tokens;"
        + " /work/ goes to the Spot VM's backend while memory is under pressure.");
    help.setWrapText(true);
    root = new VBox(8, header, tunnel, table, help);
    root.setPadding(new Insets(12));
  }

  public Parent root() {
    return root;
  }
}
