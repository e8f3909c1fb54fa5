package dev.headroom.ui.prefs;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.core.AppException;
import dev.headroom.ui.Labels;
import dev.headroom.ui.Tables;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javafx.application.Platform;
import javafx.css.PseudoClass;
import javafx.geometry.Bounds;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

/**
 * The Preferences form: one section per settings section, a control per setting, the current problem shown under
 * its field (and the field focused on request), Save writing the file. Binds to {@link PreferencesModel}.
 * Controls have ids {@code pref-<section>-<field>} (e.g. {@code #pref-memory-thresholdPercent}).
 */
public final class PreferencesView {
  private static final PseudoClass ERROR = PseudoClass.getPseudoClass("error");
  private static final List<String> POLICIES =
      List.of("LOCAL_ONLY", "CLOUD_PREFERRED", "CLOUD_ONLY", "CLOUD_WHEN_PRESSURED");
  private static final List<String> KINDS = List.of("GENERIC", "OPENAI", "ANTHROPIC");

  private final PreferencesModel model;
  private final BorderPane root = new BorderPane();
  private final ScrollPane scroll;
  private final VBox form = new VBox(14);
  private final Map<String, Node> controls = new HashMap<>();
  private final Map<String, Label> errors = new HashMap<>();
  private final Label banner = new Label();
  private final Optional<PreferencesServices> services;

  public PreferencesView(PreferencesModel model) {
    this(model, Optional.empty());
  }

  /** @param services prices, route tests and launch at login; without them those parts are left out */
  public PreferencesView(PreferencesModel model, Optional<PreferencesServices> services) {
    this.model = model;
    this.services = services;
    banner.setId("pref-banner");
    banner.getStyleClass().add("banner");
    banner.setWrapText(true);
    banner.setMaxWidth(Double.MAX_VALUE);
    banner.setVisible(false);
    banner.managedProperty().bind(banner.visibleProperty());
    form.getChildren().add(banner);
    form.setPadding(new Insets(12));

    String section = "";
    GridPane grid = null;
    int row = 0;
    for (PreferencesModel.Field f : model.fields()) {
      if (!f.section().equals(section)) {
        section = f.section();
        Label title = new Label(PreferencesModel.sectionTitle(section));
        title.getStyleClass().addAll("section-title", "title-4");
        grid = grid();
        row = 0;
        form.getChildren().addAll(title);
        String s = section;
        if (model.fields().stream().filter(x -> x.section().equals(s)).noneMatch(x -> model.appliesLive(x.path()))) {
          Label note = new Label("Changes here take effect after a restart.");
          note.setId("pref-restart-" + section);
          note.getStyleClass().add("restart-note");
          form.getChildren().add(note);
        }
        form.getChildren().add(grid);
      }
      row = addField(grid, row, f);
      if (f.path().equals("gcp.machineType") && services.isPresent()) {
        grid.add(shapePrices(services.get()), 1, row++);
      }
    }
    services.flatMap(PreferencesServices::launchAtLogin).ifPresent(login -> {
      Label title = new Label("Startup");
      title.getStyleClass().addAll("section-title", "title-4");
      form.getChildren().addAll(title, launchAtLogin(login, services.get()));
    });
    scroll = new ScrollPane(form);
    scroll.setFitToWidth(true);
    scroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);

    Button save = new Button("Save");
    save.setId("pref-save");
    save.setDefaultButton(true);
    save.disableProperty().bind(model.validProperty().not());
    Label status = new Label();
    status.setId("pref-status");
    status.setWrapText(true);
    status.setMinWidth(0);
    status.textProperty().bind(model.statusProperty());
    HBox.setHgrow(status, Priority.ALWAYS);
    Label problem = new Label();
    problem.setId("pref-problem");
    problem.getStyleClass().add("error-text");
    problem.setWrapText(true);
    problem.textProperty().bind(javafx.beans.binding.Bindings.when(model.validProperty()).then("")
        .otherwise(model.errorFieldProperty().concat(": ").concat(model.errorMessageProperty())));
    problem.visibleProperty().bind(model.validProperty().not());
    problem.managedProperty().bind(problem.visibleProperty());
    save.setOnAction(e -> save());
    HBox bar = new HBox(10, save, problem, status);
    bar.setAlignment(Pos.CENTER_LEFT);
    bar.setPadding(new Insets(8, 12, 8, 12));
    root.setCenter(scroll);
    root.setBottom(bar);

    model.errorFieldProperty().addListener((o, a, b) -> showError());
    model.errorMessageProperty().addListener((o, a, b) -> showError());
    model.validProperty().addListener((o, a, b) -> showError());
    showError();
  }

  private static GridPane grid() {
    GridPane g = new GridPane();
    g.setHgap(12);
    g.setVgap(4);
    ColumnConstraints label = new ColumnConstraints();
    label.setMinWidth(150);
    label.setPrefWidth(230);
    ColumnConstraints value = new ColumnConstraints();
    value.setHgrow(Priority.ALWAYS);
    value.setMinWidth(200);
    g.getColumnConstraints().setAll(label, value);
    return g;
  }

  private int addField(GridPane grid, int row, PreferencesModel.Field f) {
    String id = "pref-" + f.path().replace('.', '-');
    Node control;
    switch (f.kind()) {
      case BOOLEAN -> {
        CheckBox c = new CheckBox(f.label());
        c.selectedProperty().bindBidirectional(model.bool(f.path()));
        c.setWrapText(true);
        control = c;
      }
      case CHOICE -> {
        ComboBox<String> c = new ComboBox<>();
        c.getItems().setAll(f.choices());
        c.valueProperty().bindBidirectional(model.text(f.path()));
        control = c;
      }
      case ROUTES -> control = routes();
      default -> {
        TextField t = new TextField();
        t.textProperty().bindBidirectional(model.text(f.path()));
        t.setMaxWidth(f.kind() == PreferencesModel.Kind.TEXT || f.kind() == PreferencesModel.Kind.LIST
            ? Double.MAX_VALUE : 160);
        control = t;
      }
    }
    control.setId(id);
    controls.put(f.path(), control);
    Label error = new Label();
    error.setId("pref-error-" + f.path().replace('.', '-'));
    error.getStyleClass().add("field-error");
    error.setWrapText(true);
    error.setVisible(false);
    error.managedProperty().bind(error.visibleProperty());
    errors.put(f.path(), error);
    VBox cell = new VBox(2, control, error);
    if (!f.help().isEmpty()) {
      Label help = new Label(f.help());
      help.getStyleClass().add("caption");
      help.setWrapText(true);
      cell.getChildren().add(help);
    }
    boolean sectionLive = model.fields().stream().filter(x -> x.section().equals(f.section()))
        .anyMatch(x -> model.appliesLive(x.path()));
    if (sectionLive && !model.appliesLive(f.path()) && f.kind() != PreferencesModel.Kind.ROUTES) {
      Label note = new Label("Takes effect after a restart.");
      note.getStyleClass().add("restart-note");
      cell.getChildren().add(note);
    }
    if (f.kind() == PreferencesModel.Kind.BOOLEAN) {
      grid.add(cell, 0, row, 2, 1);
    } else {
      Label label = new Label(f.label());
      label.setWrapText(true);
      label.setLabelFor(control);
      label.setTooltip(new Tooltip(f.path()));
      GridPane.setValignment(label, javafx.geometry.VPos.TOP);
      label.setPadding(new Insets(5, 0, 0, 0));
      grid.add(label, 0, row);
      grid.add(cell, 1, row);
    }
    return row + 1;
  }

  private Node routes() {
    TableView<ObjectNode> table = new TableView<>(model.routes());
    table.setId("pref-routes-table");
    table.setPrefHeight(150);
    table.setMinHeight(110);
    table.getColumns().setAll(List.of(
        Tables.<ObjectNode>column("Name", 90, r -> r.path("name").asText()),
        Tables.<ObjectNode>column("Prefix", 100, r -> r.path("pathPrefix").asText()),
        Tables.<ObjectNode>code("Policy", 170, r -> r.path("policy").asText()),
        Tables.<ObjectNode>code("Kind", 90, r -> r.path("kind").asText("GENERIC")),
        Tables.<ObjectNode>column("Local or provider URL", 180, r -> r.path("localUrl").asText())));
    Tables.fill(table);
    Label tested = new Label();
    tested.setId("pref-route-test-result");
    tested.setWrapText(true);
    tested.setVisible(false);
    tested.managedProperty().bind(tested.visibleProperty());
    services.ifPresent(s -> table.getColumns().add(testColumn(s, tested)));
    Button add = new Button("Add…");
    add.setId("pref-route-add");
    add.setOnAction(e -> edit(Optional.empty()).ifPresent(r -> model.addRoute(r.path("name").asText(),
        r.path("pathPrefix").asText(), r.path("policy").asText(), r.path("localUrl").asText(),
        r.path("kind").asText())));
    Button edit = new Button("Edit…");
    edit.disableProperty().bind(table.getSelectionModel().selectedItemProperty().isNull());
    edit.setOnAction(e -> {
      int i = table.getSelectionModel().getSelectedIndex();
      edit(Optional.of(model.routes().get(i))).ifPresent(r -> model.replaceRoute(i, r));
    });
    Button remove = new Button("Remove");
    remove.disableProperty().bind(table.getSelectionModel().selectedItemProperty().isNull());
    remove.setOnAction(e -> model.removeRoute(table.getSelectionModel().getSelectedIndex()));
    HBox buttons = new HBox(6, add, edit, remove);
    return new VBox(4, table, buttons, tested);
  }

  /** A "Test" button on each route's row: one GET to its local target, the answer under the table. */
  private javafx.scene.control.TableColumn<ObjectNode, ObjectNode> testColumn(PreferencesServices s, Label result) {
    javafx.scene.control.TableColumn<ObjectNode, ObjectNode> c = new javafx.scene.control.TableColumn<>("Test");
    c.setMinWidth(70);
    c.setPrefWidth(70);
    c.setSortable(false);
    c.setCellValueFactory(v -> new javafx.beans.property.ReadOnlyObjectWrapper<>(v.getValue()));
    c.setCellFactory(col -> new javafx.scene.control.TableCell<>() {
      private final Button b = new Button("Test");

      {
        b.getStyleClass().add("small");
        b.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        b.setOnAction(e -> {
          ObjectNode r = getItem();
          if (r == null) {
            return;
          }
          String name = r.path("name").asText();
          String url = r.path("localUrl").asText();
          result.setVisible(true);
          result.getStyleClass().remove("error-text");
          result.setText(name + ": testing " + url + "…");
          s.routes().test(url).thenAccept(t -> s.fx().execute(() -> {
            result.setText(name + " (" + url + "): " + t.text());
            if (!t.answered()) {
              result.getStyleClass().add("error-text");
            }
          }));
        });
      }

      @Override
      protected void updateItem(ObjectNode item, boolean empty) {
        super.updateItem(item, empty);
        if (item != null && !empty) {
          b.setId("pref-route-test-" + item.path("name").asText());
        }
        setGraphic(empty || item == null ? null : b);
      }
    });
    return c;
  }

  /** Shapes with their Spot $/h in the region being edited; "Use" puts the selected one in the machine type. */
  private Node shapePrices(PreferencesServices s) {
    TableView<ShapePrices.Row> table = new TableView<>();
    table.setId("pref-shape-prices");
    table.getStyleClass().add("dense");
    table.setPrefHeight(190);
    table.setMinHeight(120);
    dev.headroom.ui.Format f = dev.headroom.ui.Format.DEFAULT;
    table.getColumns().setAll(List.of(
        Tables.<ShapePrices.Row>column("Shape", 120, ShapePrices.Row::type),
        Tables.<ShapePrices.Row>column("vCPUs", 60, r -> r.vcpus().stripTrailingZeros().toPlainString()),
        Tables.<ShapePrices.Row>column("RAM", 70, r -> r.memoryGib().stripTrailingZeros().toPlainString() + " GiB"),
        Tables.<ShapePrices.Row>column("Spot $/h", 90, r -> r.price().map(p -> f.money(p.perHour()))
            .orElse("no rate here")),
        Tables.<ShapePrices.Row>column("Source", 110, r -> r.price().map(p -> p.source().word()).orElse(""))));
    Tables.fill(table);
    Label caption = new Label();
    caption.setId("pref-zone-prices");
    caption.getStyleClass().add("caption");
    caption.setWrapText(true);
    Button use = new Button("Use selected shape");
    use.setId("pref-shape-use");
    use.disableProperty().bind(table.getSelectionModel().selectedItemProperty().isNull());
    use.setOnAction(e -> model.text("gcp.machineType").set(table.getSelectionModel().getSelectedItem().type()));
    Runnable refresh = () -> {
      String region = model.text("gcp.region").get();
      String type = model.text("gcp.machineType").get();
      String zones = model.text("gcp.zones").get();
      s.background().execute(() -> {
        List<ShapePrices.Row> rows = ShapePrices.rows(region, type, s.prices());
        String text = zoneText(region, type, zones, rows);
        s.fx().execute(() -> {
          if (region.equals(model.text("gcp.region").get())) {
            table.getItems().setAll(rows);
            caption.setText(text);
          }
        });
      });
    };
    model.text("gcp.region").addListener((o, a, b) -> refresh.run());
    model.text("gcp.machineType").addListener((o, a, b) -> refresh.run());
    model.text("gcp.zones").addListener((o, a, b) -> refresh.run());
    refresh.run();
    return new VBox(4, caption, table, use);
  }

  /** "us-central1-a, us-central1-b: e2-highmem-4 at $0.0463/h Spot in each (prices are per region; ...)". */
  static String zoneText(String region, String type, String zones, List<ShapePrices.Row> rows) {
    String shown = zones.isBlank() ? "no zones set" : zones;
    return rows.stream().filter(r -> r.type().equals(type.trim()) && r.price().isPresent()).findFirst()
        .map(r -> "Zones " + shown + ": " + type.trim() + " costs " + dev.headroom.ui.Format.DEFAULT.money(
            r.price().get().perHour()) + "/h Spot in each (Spot prices are set per region, " + region.trim()
            + "; " + r.price().get().source().word() + " rates, boot disk included).")
        .orElse("Zones " + shown + ": no Spot rate for " + type.trim() + " in " + region.trim()
            + " (not sold there, or the region is misspelt).");
  }

  /** The OS login item: on or off at once (a file in the user's autostart folder on Linux). */
  private Node launchAtLogin(dev.headroom.desktop.LaunchAtLogin login, PreferencesServices s) {
    CheckBox box = new CheckBox("Start Headroom when I log in");
    box.setId("pref-launch-at-login");
    Label where = new Label(login.file().map(p -> "Adds " + p + ".")
        .orElse("Adds Headroom to the user's Run key in the registry."));
    where.setId("pref-launch-at-login-status");
    where.getStyleClass().add("caption");
    where.setWrapText(true);
    boolean[] updating = {true};
    s.background().execute(() -> {
      boolean on = login.enabled();
      s.fx().execute(() -> {
        box.setSelected(on);
        updating[0] = false;
      });
    });
    box.selectedProperty().addListener((o, was, on) -> {
      if (updating[0]) {
        return;
      }
      s.background().execute(() -> {
        String text;
        try {
          if (on) {
            login.enable();
          } else {
            login.disable();
          }
          text = (on ? "On: written " : "Off: removed ") + login.file().map(Object::toString).orElse("the Run value")
              + ". Applies at your next login.";
        } catch (dev.headroom.core.AppException e) {
          text = e.userMessage();
        }
        String shown = text;
        s.fx().execute(() -> where.setText(shown));
      });
    });
    return new VBox(2, box, where);
  }

  /** A dialog to add or edit one route. */
  private Optional<ObjectNode> edit(Optional<ObjectNode> existing) {
    ObjectNode r = existing.map(ObjectNode::deepCopy).orElseGet(() -> {
      ObjectNode n = JsonNodeFactory.instance.objectNode();
      n.put("name", "route" + (model.routes().size() + 1));
      n.put("pathPrefix", "/new/");
      n.put("policy", "LOCAL_ONLY");
      n.put("localUrl", "http://127.0.0.1:8080");
      n.put("kind", "GENERIC");
      return n;
    });
    Dialog<ButtonType> d = new Dialog<>();
    d.setTitle(existing.isPresent() ? "Edit route" : "Add route");
    d.getDialogPane().getButtonTypes().setAll(ButtonType.OK, ButtonType.CANCEL);
    TextField name = new TextField(r.path("name").asText());
    TextField prefix = new TextField(r.path("pathPrefix").asText());
    ComboBox<String> policy = codes(POLICIES, r.path("policy").asText());
    TextField url = new TextField(r.path("localUrl").asText());
    ComboBox<String> kind = codes(KINDS, r.path("kind").asText("GENERIC"));
    GridPane g = grid();
    String[] labels = {"Name", "Path prefix", "Policy", "Local or provider URL", "Kind"};
    Node[] nodes = {name, prefix, policy, url, kind};
    for (int i = 0; i < labels.length; i++) {
      g.add(new Label(labels[i]), 0, i);
      g.add(nodes[i], 1, i);
    }
    Label note = new Label("Checked when you close this dialog; a problem shows under Routes.");
    note.getStyleClass().add("caption");
    g.add(note, 0, labels.length, 2, 1);
    d.getDialogPane().setContent(g);
    if (root.getScene() != null) {
      d.initOwner(root.getScene().getWindow());
    }
    return d.showAndWait().filter(b -> b == ButtonType.OK).map(b -> {
      r.put("name", name.getText().trim());
      r.put("pathPrefix", prefix.getText().trim());
      r.put("policy", policy.getValue());
      r.put("localUrl", url.getText().trim());
      r.put("kind", kind.getValue());
      return r;
    });
  }

  private static ComboBox<String> codes(List<String> codes, String value) {
    ComboBox<String> c = new ComboBox<>();
    c.getItems().setAll(codes);
    c.setValue(codes.contains(value) ? value : codes.get(0));
    c.setConverter(new StringConverter<>() {
      @Override
      public String toString(String code) {
        return code == null ? "" : Labels.text(code);
      }

      @Override
      public String fromString(String text) {
        return codes.stream().filter(k -> Labels.text(k).equals(text)).findFirst().orElse(text);
      }
    });
    return c;
  }

  private void save() {
    try {
      model.save();
    } catch (AppException e) {
      banner.setText(e.userMessage());
      banner.setVisible(true);
    }
  }

  // The field a problem belongs to: gateway.routes[1].localUrl belongs to gateway.routes.
  private String owner(String field) {
    if (controls.containsKey(field)) {
      return field;
    }
    int bracket = field.indexOf('[');
    String base = bracket > 0 ? field.substring(0, bracket) : field;
    return controls.containsKey(base) ? base : "";
  }

  private void showError() {
    String owner = owner(model.errorFieldProperty().get());
    errors.forEach((path, label) -> {
      boolean here = path.equals(owner) && !model.validProperty().get();
      label.setVisible(here);
      label.setText(here ? message() : "");
      controls.get(path).pseudoClassStateChanged(ERROR, here);
    });
  }

  private String message() {
    String field = model.errorFieldProperty().get();
    return (field.contains("[") ? field.substring(field.indexOf('[')) + " " : "") + model.errorMessageProperty().get();
  }

  /** Shows {@code text} above the form (why the window opened). */
  public void showBanner(String text) {
    banner.setText(text);
    banner.setVisible(!text.isEmpty());
  }

  /** Scrolls to the field with the current problem and focuses it (FX thread, after the window shows). */
  public void focusError() {
    String owner = owner(model.errorFieldProperty().get());
    Node control = controls.get(owner);
    if (control == null) {
      return;
    }
    Platform.runLater(() -> {
      form.applyCss();
      form.layout();
      Bounds b = form.sceneToLocal(control.localToScene(control.getBoundsInLocal()));
      double range = form.getHeight() - scroll.getViewportBounds().getHeight();
      if (range > 0) {
        scroll.setVvalue(Math.max(0, Math.min(1, (b.getMinY() - 40) / range)));
      }
      control.requestFocus();
    });
  }

  /** The control of a setting (tests). */
  public Node control(String path) {
    return controls.get(path);
  }

  public Parent root() {
    return root;
  }
}
