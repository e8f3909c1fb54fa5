package dev.headroom.ui.engine;

import dev.headroom.ui.Format;
import dev.headroom.ui.Labels;
import dev.headroom.ui.Tables;
import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Collectors;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The engine's decision log: by default one row per pressure episode (with its duration and outcome), or every
 * decision; filtered by a search box.
 */
public final class DecisionsView {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());
  private final VBox root;

  public DecisionsView(DecisionsViewModel vm, Clock clock) {
    TableView<Episodes.Row> table = new TableView<>(vm.shown());
    table.setId("decisions");
    table.setPlaceholder(new Label("No decisions yet: the engine logs here when memory pressure triggers the policy."));
    Format f = Format.DEFAULT;
    TableColumn<Episodes.Row, String> time = Tables.column("Started", 145, r -> TIME.format(r.start()));
    TableColumn<Episodes.Row, String> duration = Tables.number("Lasted", 80, r -> r.decisions() == 1
        && r.end().map(r.start()::equals).orElse(false) ? "—"
        : r.end().isEmpty() ? "ongoing, " + f.duration(r.duration(clock.instant())) : f.duration(r.duration(null)));
    TableColumn<Episodes.Row, String> action = Tables.code("Outcome", 95, r -> r.action().name());
    TableColumn<Episodes.Row, String> reason = Tables.code("Reason", 150, Episodes.Row::reason);
    TableColumn<Episodes.Row, String> count = Tables.number("Verdicts", 70, r -> f.count(r.decisions()));
    TableColumn<Episodes.Row, String> message = Tables.column("Details", 480, r -> r.message()
        + (r.reasons().size() > 1 ? " (also: " + r.reasons().stream().filter(c -> !c.equals(r.reason()))
            .map(Labels::text).collect(Collectors.joining(", ")) + ")" : ""));
    table.getColumns().setAll(List.of(time, duration, action, reason, count, message));
    Tables.fill(table);

    ToggleGroup mode = new ToggleGroup();
    ToggleButton byEpisode = new ToggleButton("Episodes");
    byEpisode.setId("decisions-episodes");
    ToggleButton each = new ToggleButton("Every decision");
    each.setId("decisions-all");
    byEpisode.setToggleGroup(mode);
    each.setToggleGroup(mode);
    byEpisode.setSelected(vm.episodesProperty().get());
    each.setSelected(!vm.episodesProperty().get());
    byEpisode.setOnAction(e -> {
      byEpisode.setSelected(true);
      vm.episodesProperty().set(true);
    });
    each.setOnAction(e -> {
      each.setSelected(true);
      vm.episodesProperty().set(false);
    });
    TextField search = new TextField();
    search.setId("decisions-filter");
    search.setPromptText("Filter: budget, cooldown, create…");
    search.textProperty().bindBidirectional(vm.filterProperty());
    search.setPrefColumnCount(18);
    Label title = new Label("Engine decisions (auto-create policy and reaper)");
    title.getStyleClass().add("section-title");
    title.setMinWidth(0);
    Region gap = new Region();
    HBox.setHgrow(gap, Priority.ALWAYS);
    HBox bar = new HBox(8, title, gap, search, byEpisode, each);
    bar.setAlignment(Pos.CENTER_LEFT);
    Label help = new Label("An episode runs from the first time a trigger fired (memory at or above the threshold, or"
        + " projected to be) to the next \"memory fine\"; its outcome is the create, or the last reason it was blocked.");
    help.getStyleClass().add("caption");
    help.setWrapText(true);
    help.setMinHeight(Region.USE_PREF_SIZE);
    VBox.setVgrow(table, Priority.ALWAYS);
    root = new VBox(8, bar, table, help);
    root.setPadding(new Insets(12));
  }

  public Parent root() {
    return root;
  }
}
