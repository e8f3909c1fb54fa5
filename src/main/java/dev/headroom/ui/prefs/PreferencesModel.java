package dev.headroom.ui.prefs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.config.ConfigDocument;
import dev.headroom.config.Settings;
import dev.headroom.core.AppException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The Preferences window's state, built from the config file's tree so every setting is editable, including ones
 * added after this window was written (they get a generic field). Edits go into a {@link ConfigDocument}, which is
 * validated after every change with the same rules as loading; the first problem is shown at its field. Save
 * writes atomically and says what applied live and what needs a restart. Holds no Nodes; FX thread only.
 *
 * <pre>{@code
 * PreferencesModel m = PreferencesModel.open(paths.configFile(), Map.of("ui.theme", look::setTheme));
 * m.text("memory.thresholdPercent").set("90");
 * if (m.validProperty().get()) m.save();
 * }</pre>
 */
public final class PreferencesModel {
  /** How a setting is edited. */
  public enum Kind { BOOLEAN, NUMBER, INTEGER, TEXT, LIST, CHOICE, ROUTES }

  /** One editable setting. */
  public record Field(String path, String label, String help, Kind kind, List<String> choices) {
    public String section() {
      return path.substring(0, path.indexOf('.'));
    }
  }

  private static final Map<String, String> SECTIONS = new LinkedHashMap<>();
  private static final Map<String, String[]> KNOWN = new LinkedHashMap<>();

  static {
    SECTIONS.put("gcp", "Google Cloud");
    SECTIONS.put("autoCreate", "Auto-create");
    SECTIONS.put("memory", "Memory");
    SECTIONS.put("cost", "Budgets and costs");
    SECTIONS.put("gateway", "Gateway");
    SECTIONS.put("notifications", "Notifications");
    SECTIONS.put("ui", "Appearance");
    SECTIONS.put("storage", "Storage");
    k("memory.thresholdPercent", "High-pressure threshold (%)", "Memory use at which pressure is High and auto-create is considered.");
    k("memory.criticalPercent", "Critical threshold (%)", "Memory use at which pressure is Critical; above the high threshold.");
    k("memory.swapCriticalPagesPerSecond", "Swapping hard (pages out/s)", "Swap page-outs per second that count as Critical.");
    k("memory.sustainedSeconds", "Sustained for (s)", "How long pressure must last before auto-create.");
    k("memory.projectionSeconds", "Projection (s)", "How far ahead the trend line looks, and over how much history.");
    k("memory.trayMinIntervalSeconds", "Tray sampling, fastest (s)", "Sampling interval under pressure while only the tray runs.");
    k("memory.trayMaxIntervalSeconds", "Tray sampling, slowest (s)", "Sampling interval when memory is relaxed.");
    k("autoCreate.enabled", "Create a Spot VM under memory pressure", "Off: Headroom only watches and logs what it would do.");
    k("autoCreate.maxConcurrent", "At most (VMs)", "Running plus starting VMs.");
    k("autoCreate.cooldownMinutes", "Cooldown (min)", "Minimum time between two creates.");
    k("autoCreate.idleTimeoutMinutes", "Delete when idle for (min)", "No routed traffic while memory is normal.");
    k("autoCreate.terminateOnQuit", "Delete VMs when Headroom quits", "");
    k("gcp.project", "Project ID", "Empty: Google Cloud is not used.");
    k("gcp.region", "Region", "Zones must be in this region.");
    k("gcp.zones", "Zones (in order)", "Comma-separated; the next is tried on a stockout or quota error.");
    k("gcp.machineType", "Machine type", "The Spot VM's shape.");
    k("gcp.maxRunDurationMinutes", "Max run duration (min)", "Google deletes the VM after this.");
    k("gcp.backendPort", "Backend port on the VM", "Where the gateway sends cloud traffic.");
    k("gcp.diskSizeGb", "Boot disk (GB)", "");
    k("gcp.billingExportTable", "Billing export table", "project.dataset.table of the Cloud Billing export in BigQuery.");
    k("cost.dailyBudgetUsd", "Daily budget ($)", "LLM + GCP; 0 means none. Auto-create needs one hour of the VM left in it.");
    k("cost.monthlyBudgetUsd", "Monthly budget ($)", "LLM + GCP; 0 means none.");
    k("cost.priceBookPath", "Price book file", "Optional JSON price sheet overriding the bundled LLM prices.");
    k("cost.usageLogPath", "Usage log (JSONL)", "Optional file of LLM usage events to read.");
    k("gateway.enabled", "Run the gateway", "");
    k("gateway.port", "Port on 127.0.0.1", "0 picks a free port.");
    k("gateway.routes", "Routes", "Requests whose path starts with a prefix go where the route's policy says.");
    k("ui.theme", "Theme", "System follows the OS light or dark appearance.");
    k("storage.dataDir", "Data folder", "Empty: the standard per-OS folder.");
  }

  private static void k(String path, String label, String help) {
    KNOWN.put(path, new String[] {label, help});
  }

  /**
   * Settings the running app re-reads when an applier is given (memory thresholds and sampling, auto-create and its
   * guards, budgets, notifications); a path ending in '.' covers its whole section.
   */
  static final List<String> LIVE = List.of("memory.", "autoCreate.", "cost.dailyBudgetUsd", "cost.monthlyBudgetUsd",
      "notifications.");

  /** Settings that take effect at once (through a live hook); every other one needs a restart. */
  private final Map<String, Consumer<String>> live;
  private final Optional<Consumer<Settings>> applier;
  private final Path file;
  private final ConfigDocument doc;
  private ObjectNode saved;
  private final List<Field> fields = new ArrayList<>();
  private final Map<String, StringProperty> texts = new LinkedHashMap<>();
  private final Map<String, BooleanProperty> bools = new LinkedHashMap<>();
  private final ObservableList<ObjectNode> routes = FXCollections.observableArrayList();
  private final StringProperty errorField = new SimpleStringProperty("");
  private final StringProperty errorMessage = new SimpleStringProperty("");
  private final ReadOnlyBooleanWrapper valid = new ReadOnlyBooleanWrapper(true);
  private final ReadOnlyBooleanWrapper dirty = new ReadOnlyBooleanWrapper(false);
  private final StringProperty status = new SimpleStringProperty("");
  private final List<Consumer<Settings>> savedListeners = new ArrayList<>();
  private boolean loading;

  private PreferencesModel(Path file, ConfigDocument doc, Map<String, Consumer<String>> live,
      Optional<Consumer<Settings>> applier) {
    this.file = file;
    this.doc = doc;
    this.live = live;
    this.applier = applier;
    this.saved = doc.effective();
    build();
    revalidate();
  }

  /**
   * Opens {@code file}. When it is not valid JSON, starts from the defaults and says so: saving then replaces it
   * (the broken file is kept beside it as {@code config.json.broken}).
   *
   * @param live settings applied at once on save, by dotted path (e.g. {@code ui.theme})
   */
  public static PreferencesModel open(Path file, Map<String, Consumer<String>> live) {
    return open(file, live, Optional.empty());
  }

  /**
   * @param applier takes the saved settings into the running app (see {@link #LIVE}); without one, only the
   *     {@code live} hooks apply at once
   */
  public static PreferencesModel open(Path file, Map<String, Consumer<String>> live,
      Optional<Consumer<Settings>> applier) {
    try {
      return new PreferencesModel(file, ConfigDocument.read(file), live, applier);
    } catch (AppException e) {
      PreferencesModel m = new PreferencesModel(file, ConfigDocument.empty(), live, applier);
      m.brokenFile = true;
      m.status.set(e.userMessage() + " Saving replaces it with these values; the old file is kept as "
          + file.getFileName() + ".broken.");
      return m;
    }
  }

  private boolean brokenFile;

  private void build() {
    loading = true;
    ObjectNode tree = doc.effective();
    List<String> sections = new ArrayList<>(SECTIONS.keySet());
    tree.fieldNames().forEachRemaining(n -> {
      if (!sections.contains(n)) {
        sections.add(n);
      }
    });
    for (String section : sections) {
      JsonNode node = tree.get(section);
      if (!(node instanceof ObjectNode obj)) {
        continue;
      }
      Iterator<Map.Entry<String, JsonNode>> it = obj.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        String path = section + "." + e.getKey();
        Optional<Field> f = field(path, e.getValue());
        f.ifPresent(this::add);
      }
    }
    loading = false;
  }

  private void add(Field f) {
    fields.add(f);
    JsonNode v = doc.get(f.path());
    switch (f.kind()) {
      case BOOLEAN -> {
        BooleanProperty p = new SimpleBooleanProperty(v.asBoolean());
        p.addListener((o, a, b) -> edited(f, String.valueOf(b)));
        bools.put(f.path(), p);
      }
      case ROUTES -> {
        v.forEach(r -> routes.add((ObjectNode) r.deepCopy()));
      }
      default -> {
        StringProperty p = new SimpleStringProperty(text(v, f.kind()));
        p.addListener((o, a, b) -> edited(f, b));
        texts.put(f.path(), p);
      }
    }
  }

  static Optional<Field> field(String path, JsonNode value) {
    String[] known = KNOWN.get(path);
    String label = known != null ? known[0] : humanize(path.substring(path.indexOf('.') + 1));
    String help = known != null ? known[1] : "";
    Kind kind;
    List<String> choices = List.of();
    if (path.equals("gateway.routes")) {
      kind = Kind.ROUTES;
    } else if (path.equals("ui.theme")) {
      kind = Kind.CHOICE;
      choices = List.of("system", "light", "dark");
    } else if (value.isBoolean()) {
      kind = Kind.BOOLEAN;
    } else if (value.isIntegralNumber()) {
      kind = Kind.INTEGER;
    } else if (value.isNumber()) {
      kind = Kind.NUMBER;
    } else if (value.isTextual()) {
      kind = Kind.TEXT;
    } else if (value.isArray() && allText(value)) {
      kind = Kind.LIST;
    } else {
      return Optional.empty(); // nested objects the window does not know: kept in the file untouched
    }
    return Optional.of(new Field(path, label, help, kind, choices));
  }

  private static boolean allText(JsonNode array) {
    for (JsonNode n : array) {
      if (!n.isTextual()) {
        return false;
      }
    }
    return true;
  }

  /** {@code maxRunDurationMinutes} -> "Max run duration minutes". */
  static String humanize(String camel) {
    String words = camel.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
    return Character.toUpperCase(words.charAt(0)) + words.substring(1);
  }

  private static String text(JsonNode v, Kind kind) {
    if (kind == Kind.LIST) {
      List<String> parts = new ArrayList<>();
      v.forEach(n -> parts.add(n.asText()));
      return String.join(", ", parts);
    }
    if (v.isNumber()) {
      return v.decimalValue().stripTrailingZeros().toPlainString();
    }
    return v.isMissingNode() || v.isNull() ? "" : v.asText();
  }

  private void edited(Field f, String value) {
    if (loading) {
      return;
    }
    Optional<String> typeError = put(f, value);
    dirty.set(true);
    status.set("");
    if (typeError.isPresent()) {
      show(new ConfigDocument.FieldError(f.path(), typeError.get()));
      return;
    }
    revalidate();
  }

  // Writes one edit into the document; a value of the wrong type is an error of its own (the document keeps the
  // last good value, so validation of the other fields goes on).
  private Optional<String> put(Field f, String value) {
    JsonNodeFactory json = JsonNodeFactory.instance;
    String v = value == null ? "" : value.trim();
    switch (f.kind()) {
      case BOOLEAN -> doc.set(f.path(), json.booleanNode(Boolean.parseBoolean(v)));
      case INTEGER -> {
        try {
          doc.set(f.path(), json.numberNode(Long.parseLong(v)));
        } catch (NumberFormatException e) {
          return Optional.of("must be a whole number, got '" + v + "'");
        }
      }
      case NUMBER -> {
        try {
          doc.set(f.path(), json.numberNode(new BigDecimal(v)));
        } catch (NumberFormatException e) {
          return Optional.of("must be a number, got '" + v + "'");
        }
      }
      case LIST -> {
        ArrayNode a = json.arrayNode();
        Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(a::add);
        doc.set(f.path(), a);
      }
      default -> doc.set(f.path(), json.textNode(v));
    }
    return Optional.empty();
  }

  private boolean typeErrorShown() {
    String field = errorField.get();
    if (field.isEmpty()) {
      return false;
    }
    return fields.stream().filter(f -> f.path().equals(field)).findFirst()
        .map(f -> put(f, texts.containsKey(field) ? texts.get(field).get() : "").isPresent()).orElse(false);
  }

  /** Validates the whole document and shows its first problem (or none). */
  public void revalidate() {
    if (typeErrorShown()) {
      return;
    }
    show(doc.validate().orElse(null));
  }

  private void show(ConfigDocument.FieldError e) {
    valid.set(e == null); // first: views read it when the field changes
    errorField.set(e == null ? "" : e.field());
    errorMessage.set(e == null ? "" : e.message());
  }

  /** Shows a problem reported elsewhere (the loader at start, with environment overrides). */
  public void showError(ConfigDocument.FieldError e) {
    show(e);
  }

  /** Adds a route (after the others) and validates. */
  public void addRoute(String name, String pathPrefix, String policy, String localUrl, String kind) {
    ObjectNode r = JsonNodeFactory.instance.objectNode();
    r.put("name", name);
    r.put("pathPrefix", pathPrefix);
    r.put("policy", policy);
    r.put("localUrl", localUrl);
    r.put("kind", kind);
    routes.add(r);
    routesChanged();
  }

  /** Replaces route {@code index}. */
  public void replaceRoute(int index, ObjectNode route) {
    routes.set(index, route);
    routesChanged();
  }

  public void removeRoute(int index) {
    routes.remove(index);
    routesChanged();
  }

  private void routesChanged() {
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    routes.forEach(r -> a.add(r.deepCopy()));
    doc.set("gateway.routes", a);
    dirty.set(true);
    status.set("");
    revalidate();
  }

  /**
   * Writes the file (atomically) when valid; applies live settings; returns what needs a restart. Throws
   * {@link AppException} when the file cannot be written (the message is shown).
   */
  public List<String> save() {
    if (!valid.get()) {
      throw new AppException("Fix " + errorField.get() + " first: " + errorMessage.get());
    }
    if (brokenFile && java.nio.file.Files.exists(file)) {
      try {
        java.nio.file.Files.move(file, file.resolveSibling(file.getFileName() + ".broken"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      } catch (java.io.IOException e) {
        throw new AppException("Cannot keep the broken config aside: " + e.getMessage(), e);
      }
      brokenFile = false;
    }
    doc.save(file);
    ObjectNode now = doc.effective();
    List<String> changed = changedPaths(saved, now);
    saved = now;
    dirty.set(false);
    List<String> applied = new ArrayList<>();
    List<String> restart = new ArrayList<>();
    for (String path : changed) {
      Consumer<String> hook = live.get(path);
      if (hook != null) {
        hook.accept(text(doc.get(path), Kind.TEXT));
        applied.add(labelOf(path));
      } else if (appliesLive(path)) {
        applied.add(labelOf(path));
      } else {
        restart.add(labelOf(path));
      }
    }
    Settings settings = doc.settings();
    applier.ifPresent(a -> a.accept(settings));
    savedListeners.forEach(l -> l.accept(settings));
    status.set("Saved to " + file + "." + (applied.isEmpty() ? "" : " Applied now: " + String.join(", ", applied) + ".")
        + (restart.isEmpty() ? "" : " Takes effect after a restart: " + String.join(", ", restart) + "."));
    return restart;
  }

  /** Whether a change of {@code path} takes effect without a restart. */
  public boolean appliesLive(String path) {
    if (live.containsKey(path)) {
      return true;
    }
    return applier.isPresent() && LIVE.stream().anyMatch(l -> l.endsWith(".") ? path.startsWith(l) : path.equals(l));
  }

  private String labelOf(String path) {
    return fields.stream().filter(f -> f.path().equals(path)).findFirst().map(Field::label).orElse(path);
  }

  static List<String> changedPaths(ObjectNode before, ObjectNode after) {
    List<String> out = new ArrayList<>();
    after.fieldNames().forEachRemaining(section -> {
      JsonNode a = after.get(section);
      JsonNode b = before.path(section);
      if (a instanceof ObjectNode ao) {
        ao.fieldNames().forEachRemaining(f -> {
          if (!ao.get(f).equals(b.path(f))) {
            out.add(section + "." + f);
          }
        });
      } else if (!a.equals(b)) {
        out.add(section);
      }
    });
    return out;
  }

  /** Called with the new settings after each save. */
  public void onSaved(Consumer<Settings> listener) {
    savedListeners.add(listener);
  }

  public List<Field> fields() {
    return List.copyOf(fields);
  }

  /** The section titles, by section key, in display order. */
  public static String sectionTitle(String section) {
    return SECTIONS.getOrDefault(section, humanize(section));
  }

  public StringProperty text(String path) {
    return texts.get(path);
  }

  public BooleanProperty bool(String path) {
    return bools.get(path);
  }

  public ObservableList<ObjectNode> routes() {
    return FXCollections.unmodifiableObservableList(routes);
  }

  /** The dotted path of the field with the current problem ("" when none). */
  public ReadOnlyStringProperty errorFieldProperty() {
    return errorField;
  }

  public ReadOnlyStringProperty errorMessageProperty() {
    return errorMessage;
  }

  public ReadOnlyBooleanProperty validProperty() {
    return valid.getReadOnlyProperty();
  }

  public ReadOnlyBooleanProperty dirtyProperty() {
    return dirty.getReadOnlyProperty();
  }

  public ReadOnlyStringProperty statusProperty() {
    return status;
  }

  public Path file() {
    return file;
  }
}
