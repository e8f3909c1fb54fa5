package dev.headroom.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.TreeMap;
import java.util.stream.Collectors;

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

  private final ObjectMapper mapper;

  public SettingsLoader() {
    this.mapper = new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
        .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
        .configure(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, true)
        .enable(SerializationFeature.INDENT_OUTPUT);
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
    applyEnv(tree, env);
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
      throw new AppException("Invalid setting '" + field + "' in " + source + ": " + e.getOriginalMessage(), e);
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

  private void applyEnv(ObjectNode tree, Map<String, String> env) {
    Map<String, String> sorted = new TreeMap<>(env);
    for (Map.Entry<String, String> e : sorted.entrySet()) {
      String key = e.getKey();
      if (!key.startsWith("HEADROOM_") || key.equals("HEADROOM_CONFIG") || key.equals("HEADROOM_HOME")) {
        continue;
      }
      String rest = key.substring("HEADROOM_".length());
      int cut = rest.indexOf('_');
      if (cut < 0) {
        continue;
      }
      String section = findField(tree, rest.substring(0, cut));
      if (section == null || !(tree.get(section) instanceof ObjectNode sectionNode)) {
        throw new AppException("Unknown environment override " + key + ": no settings section '"
            + rest.substring(0, cut).toLowerCase(Locale.ROOT) + "'");
      }
      String field = findField(sectionNode, rest.substring(cut + 1));
      if (field == null) {
        throw new AppException("Unknown environment override " + key + ": no field '"
            + rest.substring(cut + 1).toLowerCase(Locale.ROOT) + "' in '" + section + "'");
      }
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
        sectionNode.put(field, Boolean.parseBoolean(value));
      } else if (current != null && current.isNumber()) {
        try {
          sectionNode.put(field, new java.math.BigDecimal(value));
        } catch (NumberFormatException ex) {
          throw new AppException("Environment override " + key + " must be a number, got '" + value + "'");
        }
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
