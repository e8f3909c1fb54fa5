package dev.headroom.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.headroom.core.AppException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads {@link Settings}: bundled defaults, deep-merged with the user's JSON file, then {@code HEADROOM_*}
 * environment overrides, then validated. Any problem is one {@link AppException} naming the field; the app never
 * starts with half a config.
 *
 * <p>Environment overrides are {@code HEADROOM_<SECTION>_<FIELD>} with the field in upper snake case, for example
 * {@code HEADROOM_GCP_MACHINE_TYPE=e2-standard-4} or {@code HEADROOM_GCP_ZONES=us-east1-b,us-east1-c};
 * {@code GOOGLE_CLOUD_PROJECT} fills an empty {@code gcp.project}.
 */
public final class SettingsLoader {
  private static final String DEFAULTS = "/default-config.json";

  private static final Logger LOG = LoggerFactory.getLogger(SettingsLoader.class);
  /** Environment variables that are not settings overrides. */
  private static final java.util.Set<String> NOT_OVERRIDES = java.util.Set.of("HEADROOM_CONFIG", "HEADROOM_HOME");

  private final ObjectMapper mapper;
  private final Consumer<String> warnings;
  /** Setting path (gateway.port) -> the environment variable that set it, for error messages. */
  private final Map<String, String> fromEnv = new java.util.HashMap<>();

  /** A loader that logs its warnings (unknown HEADROOM_* variables). */
  public SettingsLoader() {
    this(w -> LOG.warn("{}", w));
  }

  /** A loader that hands its warnings to {@code warnings}. */
  public SettingsLoader(Consumer<String> warnings) {
    this.warnings = warnings;
    this.mapper = new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
        .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
        .configure(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, true)
        .configure(DeserializationFeature.ACCEPT_FLOAT_AS_INT, false) // 1.5 seconds is an error, not 1
        .enable(SerializationFeature.INDENT_OUTPUT);
    // Booleans are true or false: "yes", "1" or "garbage" must not silently become false.
    mapper.coercionConfigFor(LogicalType.Boolean)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
  }

  /** The bundled defaults alone. */
  public Settings defaults() {
    return bind(defaultTree(), "the bundled defaults");
  }

  /** Loads from {@code file} (absent means defaults) with the given environment. */
  public Settings load(Path file, Map<String, String> env) {
    ObjectNode tree = defaultTree();
    if (Files.exists(file)) {
      JsonNode user;
      try {
        user = mapper.readTree(file.toFile());
      } catch (JsonProcessingException e) {
        throw new AppException("Config file " + file + " is not valid JSON (line "
            + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + "): "
            + e.getOriginalMessage(), e);
      } catch (IOException e) {
        throw new AppException("Cannot read config file " + file + ": " + e.getMessage(), e);
      }
      if (user != null && !user.isNull()) {
        if (!user.isObject()) {
          throw new AppException("Config file " + file + " must hold a JSON object");
        }
        merge(tree, (ObjectNode) user, "");
      }
    }
    fromEnv.clear();
    applyEnv(tree, env);
    rejectNulls(tree, "");
    Settings settings = bind(tree, "config file " + file);
    SettingsValidator.validate(settings);
    return settings;
  }

  /** Writes {@code settings} to {@code file} atomically (write aside, then move). */
  public void save(Settings settings, Path file) {
    SettingsValidator.validate(settings);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      mapper.writeValue(tmp.toFile(), settings);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new AppException("Cannot save config to " + file + ": " + e.getMessage(), e);
    }
  }

  /** The JSON mapper used for settings (shared so the CLI prints the same shapes). */
  public ObjectMapper mapper() {
    return mapper;
  }

  private ObjectNode defaultTree() {
    try (InputStream in = SettingsLoader.class.getResourceAsStream(DEFAULTS)) {
      if (in == null) {
        throw new IllegalStateException("Missing bundled resource " + DEFAULTS);
      }
      return (ObjectNode) mapper.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Settings bind(JsonNode tree, String source) {
    try {
      return mapper.treeToValue(tree, Settings.class);
    } catch (JsonMappingException e) {
      String field = e.getPath().stream()
          .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
          .collect(Collectors.joining(".")).replace(".[", "[");
      String env = fromEnv.get(field);
      throw new AppException("Invalid setting '" + field + "' in " + (env != null ? "environment variable " + env
          : source) + ": " + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw new AppException("Invalid " + source + ": " + e.getOriginalMessage(), e);
    }
  }

  // Objects merge field by field; arrays and scalars from the user replace the default.
  static void merge(ObjectNode base, ObjectNode user, String path) {
    Iterator<Map.Entry<String, JsonNode>> fields = user.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      JsonNode existing = base.get(f.getKey());
      if (existing instanceof ObjectNode eo && f.getValue() instanceof ObjectNode uo) {
        merge(eo, uo, path + f.getKey() + ".");
      } else {
        base.set(f.getKey(), f.getValue());
      }
    }
  }

  // Every explicit null is an error naming its field (a null section, route or value would fail later, unnamed).
  private void rejectNulls(JsonNode node, String path) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> f = it.next();
        String at = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
        if (f.getValue().isNull()) {
          throw new AppException("Invalid setting '" + at + "': must not be null"
              + (at.equals("gateway.routes") ? " (use [] for no routes)" : " (leave it out for the default)"));
        }
        rejectNulls(f.getValue(), at);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String at = path + "[" + i + "]";
        if (node.get(i).isNull()) {
          throw new AppException("Invalid setting '" + at + "': must not be null");
        }
        rejectNulls(node.get(i), at);
      }
    }
  }

  private void applyEnv(ObjectNode tree, Map<String, String> env) {
    Map<String, String> sorted = new TreeMap<>(env);
    for (Map.Entry<String, String> e : sorted.entrySet()) {
      String key = e.getKey();
      if (!key.startsWith("HEADROOM_") || NOT_OVERRIDES.contains(key)) {
        continue;
      }
      String rest = key.substring("HEADROOM_".length());
      Optional<String[]> target = resolve(tree, rest);
      if (target.isEmpty()) {
        warnings.accept("Ignoring environment variable " + key + ": it names no setting (overrides are"
            + " HEADROOM_<SECTION>_<FIELD>, e.g. HEADROOM_GATEWAY_PORT)");
        continue;
      }
      String section = target.get()[0];
      String field = target.get()[1];
      String setting = section + "." + field;
      ObjectNode sectionNode = (ObjectNode) tree.get(section);
      fromEnv.put(setting, key);
      JsonNode current = sectionNode.get(field);
      String value = e.getValue().trim();
      if (current != null && current.isArray()) {
        ArrayNode arr = mapper.createArrayNode();
        for (String part : value.split(",")) {
          if (!part.isBlank()) {
            arr.add(part.trim());
          }
        }
        sectionNode.set(field, arr);
      } else if (current != null && current.isBoolean()) {
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
          throw new AppException("Invalid setting '" + setting + "' from environment variable " + key
              + ": must be true or false, got '" + value + "'");
        }
        sectionNode.put(field, Boolean.parseBoolean(value));
      } else if (current != null && current.isNumber()) {
        try {
          if (value.matches("[-+]?\\d+")) {
            sectionNode.put(field, new java.math.BigInteger(value));
          } else {
            sectionNode.put(field, new java.math.BigDecimal(value));
          }
        } catch (NumberFormatException ex) {
          throw new AppException("Invalid setting '" + setting + "' from environment variable " + key
              + ": must be a number, got '" + value + "'");
        }
      } else if (current != null && current.isContainerNode()) {
        throw new AppException("Environment variable " + key + " cannot set '" + setting
            + "': it is a list of objects; set it in the config file");
      } else {
        sectionNode.put(field, value);
      }
    }
    JsonNode gcp = tree.get("gcp");
    String project = env.get("GOOGLE_CLOUD_PROJECT");
    if (gcp instanceof ObjectNode g && project != null && !project.isBlank()
        && g.path("project").asText("").isBlank()) {
      g.put("project", project);
    }
  }

  // HEADROOM_AUTO_CREATE_ENABLED and HEADROOM_AUTOCREATE_ENABLED both name autoCreate.enabled: try every split.
  private static Optional<String[]> resolve(ObjectNode tree, String rest) {
    for (int cut = rest.indexOf('_'); cut > 0; cut = rest.indexOf('_', cut + 1)) {
      String section = findField(tree, rest.substring(0, cut));
      if (section != null && tree.get(section) instanceof ObjectNode sectionNode) {
        String field = findField(sectionNode, rest.substring(cut + 1));
        if (field != null) {
          return Optional.of(new String[] {section, field});
        }
      }
    }
    return Optional.empty();
  }

  // Matches an upper-snake name (MACHINE_TYPE) to a camelCase field (machineType).
  private static String findField(JsonNode node, String upperSnake) {
    String wanted = upperSnake.replace("_", "").toLowerCase(Locale.ROOT);
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (n.toLowerCase(Locale.ROOT).equals(wanted)) {
        return n;
      }
    }
    return null;
  }
}
