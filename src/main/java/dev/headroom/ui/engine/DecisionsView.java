package dev.headroom.ui.engine;

import dev.headroom.engine.Decision;
import dev.headroom.ui.Tables;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import javafx.geometry.Insets;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** The engine's decision log: every create, block (with its reason) and reap. */
public final class DecisionsView {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());
  private final VBox root;

  public DecisionsView(DecisionsViewModel vm) {
    TableView<Decision> table = new TableView<>(vm.rows());
    table.setId("decisions");
    table.setPlaceholder(new Label("No decisions yet: the engine logs here when memory pressure triggers the policy."));
    TableColumn<Decision, String> time = Tables.column("Time", 150, d -> TIME.format(d.time()));
    TableColumn<Decision, String> action = Tables.code("Decision", 90, d -> d.action().name());
    TableColumn<Decision, String> reason = Tables.code("Reason", 160, Decision::reason);
    TableColumn<Decision, String> message = Tables.column("Details", 640, Decision::message);
    table.getColumns().setAll(List.of(time, action, reason, message));
    Tables.fill(table);
    Label title = new Label("Engine decisions (auto-create policy and reaper)");
    title.getStyleClass().add("section-title");
    VBox.setVgrow(table, Priority.ALWAYS);
    root = new VBox(8, title, table);
    root.setPadding(new Insets(12));
  }

  public Parent root() {
    return root;
  }
}
