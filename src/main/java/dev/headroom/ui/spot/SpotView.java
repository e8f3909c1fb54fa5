package dev.headroom.ui.spot;

import dev.headroom.spot.VmEvent;
import dev.headroom.ui.Labels;
import dev.headroom.ui.Tables;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The Spot VM panel: table of managed VMs (uptime, time left and cost tick every second in place), Create /
 * Terminate selected / Terminate all with confirmation and a progress indicator, the selected VM's timeline, and a
 * banner saying how to connect when Google Cloud is not connected. Binds to {@link SpotViewModel}; holds no logic.
 *
 * <pre>{@code
 * SpotView view = new SpotView(model, SpotView.Confirmer.DIALOG, gcp.machineType(), String.join(", ", gcp.zones()));
 * stage.setScene(new Scene(view.root()));
 * }</pre>
 */
public final class SpotView {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  /** Asks the user to confirm; replaced in tests. */
  @FunctionalInterface
  public interface Confirmer {
    boolean confirm(String title, String text);

    /** A modal dialog. */
    Confirmer DIALOG = (title, text) -> {
      Alert a = new Alert(Alert.AlertType.CONFIRMATION, text, ButtonType.OK, ButtonType.CANCEL);
      a.setTitle(title);
      a.setHeaderText(title);
      return a.showAndWait().filter(b -> b == ButtonType.OK).isPresent();
    };
  }

  private final VBox root;

  /**
   * @param confirmer asks before Create and Terminate ({@link Confirmer#DIALOG}; tests pass one that says yes)
   * @param machineType the configured shape, shown in the Create confirmation
   * @param zones the configured zones, in the order they are tried, shown in the Create confirmation
   */
  public SpotView(SpotViewModel vm, Confirmer confirmer, String machineType, String zones) {
    Label banner = new Label();
    banner.setId("spot-not-connected");
    banner.getStyleClass().add("banner");
    banner.setWrapText(true);
    banner.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
    banner.setMaxWidth(Double.MAX_VALUE);
    banner.textProperty().bind(vm.notConnectedProperty());
    banner.visibleProperty().bind(vm.notConnectedProperty().isNotEmpty());
    banner.managedProperty().bind(banner.visibleProperty());

    TableView<SpotRow> table = new TableView<>(vm.rows());
    table.setId("spot-table");
    table.setPlaceholder(new Label("No Spot VMs yet. Create one, or let auto-create do it under memory pressure."));
    table.getColumns().setAll(List.of(
        Tables.observed("Name", 200, r -> new ReadOnlyStringWrapper(r.name())),
        Tables.codeObserved("State", 90, SpotRow::stateProperty),
        Tables.observed("Uptime", 75, SpotRow::uptimeProperty),
        Tables.observed("Cost so far", 85, SpotRow::costProperty),
        Tables.observed("$/h", 75, SpotRow::perHourProperty),
        Tables.observed("Time left", 90, SpotRow::timeLeftProperty),
        Tables.observed("Zone", 110, SpotRow::zoneProperty),
        Tables.observed("Type", 105, r -> new ReadOnlyStringWrapper(r.machineType())),
        Tables.observed("External IP", 110, SpotRow::ipProperty)));
    Tables.fill(table);
    table.getSelectionModel().selectedItemProperty().addListener((o, a, row) ->
        vm.select(row == null ? null : row.name()));

    Button create = new Button("Create Spot VM");
    create.setId("spot-create");
    create.setOnAction(e -> {
      if (confirmer.confirm("Create a Spot VM?", "Create one " + vm.createSummary(machineType, zones) + "?")) {
        vm.create();
      }
    });
    Button terminate = new Button("Terminate selected");
    terminate.setId("spot-terminate");
    terminate.disableProperty().bind(table.getSelectionModel().selectedItemProperty().isNull());
    terminate.setOnAction(e -> {
      SpotRow row = table.getSelectionModel().getSelectedItem();
      if (row != null && confirmer.confirm("Terminate " + row.name() + "?",
          "Delete " + row.name() + " now? Work running on it is lost.")) {
        vm.terminate(row.name());
      }
    });
    Button terminateAll = new Button("Terminate all");
    terminateAll.setId("spot-terminate-all");
    terminateAll.setOnAction(e -> {
      if (confirmer.confirm("Terminate all VMs?", "Delete every running Spot VM Headroom manages?")) {
        vm.terminateAll();
      }
    });
    create.disableProperty().bind(vm.busyProperty().or(vm.notConnectedProperty().isNotEmpty()));
    terminateAll.disableProperty().bind(vm.busyProperty().or(vm.notConnectedProperty().isNotEmpty()));
    ProgressIndicator progress = new ProgressIndicator();
    progress.setPrefSize(18, 18);
    progress.visibleProperty().bind(vm.busyProperty());
    Label message = new Label();
    message.setId("spot-message");
    message.textProperty().bind(vm.messageProperty());
    message.setWrapText(true);
    vm.errorProperty().addListener((o, before, now) -> {
      message.getStyleClass().remove("error-text");
      if (!now.isEmpty()) {
        message.getStyleClass().add("error-text");
      }
    });
    message.setMinWidth(0);
    HBox.setHgrow(message, Priority.ALWAYS);
    message.setMaxWidth(Double.MAX_VALUE);
    for (Button b : List.of(create, terminate, terminateAll)) {
      b.setMinWidth(Region.USE_PREF_SIZE);
    }
    HBox actions = new HBox(8, create, terminate, terminateAll, progress, message);
    actions.setAlignment(Pos.CENTER_LEFT);

    ListView<VmEvent> events = new ListView<>(vm.timeline());
    events.setId("spot-events");
    events.setPrefHeight(170);
    events.setMinHeight(90);
    events.setPlaceholder(new Label("Select a VM to see its timeline."));
    events.setCellFactory(l -> new ListCell<>() {
      @Override
      protected void updateItem(VmEvent ev, boolean empty) {
        super.updateItem(ev, empty);
        setText(empty || ev == null ? null
            : TIME.format(ev.time()) + "  " + Labels.text(ev.state().name()) + "  " + ev.message());
      }
    });
    Label timelineTitle = new Label("Timeline");
    timelineTitle.getStyleClass().add("section-title");
    VBox.setVgrow(table, Priority.ALWAYS);
    // In the dashboard, the project and region are set in the Preferences tab rather than by editing the file.
    javafx.scene.control.Button preferences = new javafx.scene.control.Button("Open Preferences");
    preferences.getStyleClass().add("accent");
    preferences.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
    preferences.setId("spot-open-preferences");
    preferences.setOnAction(e -> {
      if (preferences.getScene() != null
          && preferences.getScene().lookup("#dashboard-tabs") instanceof javafx.scene.control.TabPane tabs) {
        tabs.getTabs().stream().filter(t -> "tab-preferences".equals(t.getId())).findFirst()
            .ifPresent(t -> tabs.getSelectionModel().select(t));
      }
    });
    preferences.visibleProperty().bind(banner.visibleProperty());
    preferences.managedProperty().bind(preferences.visibleProperty());
    root = new VBox(8, banner, preferences, actions, table, timelineTitle, events);
    root.setPadding(new Insets(12));
  }

  public Parent root() {
    return root;
  }
}
