package dev.headroom.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.core.AppException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The user's {@code config.json} as an editable JSON tree, for the Preferences window: reads the file as it is
 * (fields the window does not show are kept, in their order), shows values merged over the bundled defaults,
 * validates with the same binding and {@link SettingsValidator} as {@link SettingsLoader}, and writes atomically.
 * Environment overrides are not applied here: they are not part of the file.
 *
 * <pre>{@code
 * ConfigDocument doc = ConfigDocument.read(paths.configFile());
 * doc.set("memory.thresholdPercent", doc.mapper().getNodeFactory().numberNode(90));
 * doc.validate().ifPresent(err -> show(err.field(), err.message()));
 * doc.save(paths.configFile());
 * }</pre>
 */
public final class ConfigDocument {
  /** A problem with one setting; {@code field} is a dotted path such as {@code gateway.routes[1].localUrl}. */
  public record FieldError(String field, String message) {}

  private static final Pattern FIELD = Pattern.compile("Invalid setting '([^']+)'(?: in [^:]+)?: (.*)", Pattern.DOTALL);

  private final SettingsLoader loader = new SettingsLoader();
  private final ObjectNode user;

  private ConfigDocument(ObjectNode user) {
    this.user = user;
  }

  /** An empty file: every value is the default. */
  public static ConfigDocument empty() {
    return new ConfigDocument(new SettingsLoader().mapper().createObjectNode());
  }

  /** Reads {@code file} (absent means empty); an unreadable or non-JSON file is an {@link AppException}. */
  public static ConfigDocument read(Path file) {
    ObjectMapper mapper = new SettingsLoader().mapper();
    if (!Files.exists(file)) {
      return new ConfigDocument(mapper.createObjectNode());
    }
    JsonNode tree;
    try {
      tree = mapper.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new AppException("Config file " + file + " is not valid JSON (line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + "): " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new AppException("Cannot read config file " + file + ": " + e.getMessage(), e);
    }
    if (tree == null || tree.isNull() || tree.isMissingNode()) {
      return new ConfigDocument(mapper.createObjectNode());
    }
    if (!tree.isObject()) {
      throw new AppException("Config file " + file + " must hold a JSON object");
    }
    return new ConfigDocument((ObjectNode) tree);
  }

  public ObjectMapper mapper() {
    return loader.mapper();
  }

  /** The defaults with the file's values merged over them (a copy). */
  public ObjectNode effective() {
    ObjectNode tree = defaults();
    SettingsLoader.merge(tree, user.deepCopy(), "");
    return tree;
  }

  /** The value at a dotted path ({@code gcp.zones}) in {@link #effective()}; missing node when absent. */
  public JsonNode get(String path) {
    JsonNode n = effective();
    for (String part : path.split("\\.")) {
      n = n.path(part);
    }
    return n;
  }

  /** Sets the value at a dotted path in the file's tree, creating sections as needed. */
  public void set(String path, JsonNode value) {
    String[] parts = path.split("\\.");
    ObjectNode n = user;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode child = n.get(parts[i]);
      if (!(child instanceof ObjectNode)) {
        child = n.putObject(parts[i]);
      }
      n = (ObjectNode) child;
    }
    n.set(parts[parts.length - 1], value);
  }

  /** The first problem, as the loader would report it, else empty. */
  public Optional<FieldError> validate() {
    try {
      settings();
      return Optional.empty();
    } catch (AppException e) {
      return Optional.of(fieldError(e));
    }
  }

  /** The settings this file gives (without environment overrides); an {@link AppException} when invalid. */
  public Settings settings() {
    Settings s;
    try {
      s = mapper().treeToValue(effective(), Settings.class);
    } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
      String field = e.getPath().stream()
          .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
          .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("");
      throw new AppException("Invalid setting '" + field + "': " + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw new AppException("Invalid settings: " + e.getOriginalMessage(), e);
    }
    SettingsValidator.validate(s);
    return s;
  }

  /** The field an {@link AppException} from loading or validating names ("" when it names none). */
  public static FieldError fieldError(AppException e) {
    Matcher m = FIELD.matcher(e.userMessage());
    return m.matches() ? new FieldError(m.group(1), m.group(2)) : new FieldError("", e.userMessage());
  }

  /**
   * Writes the file atomically: a temporary file in the same directory, flushed to disk, then moved over the old
   * one, so a crash leaves either the old or the new file, never half of one. Refuses an invalid document.
   */
  public void save(Path file) {
    settings(); // throws on the first problem
    Path dir = file.toAbsolutePath().getParent();
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      try {
        byte[] bytes = (mapper().writerWithDefaultPrettyPrinter().writeValueAsString(user) + "\n")
            .getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
          ch.write(java.nio.ByteBuffer.wrap(bytes));
          ch.force(true);
        }
        try {
          Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new AppException("Cannot save config to " + file + ": " + e.getMessage(), e);
    }
  }

  /** The routes array of the file, created from the defaults on first edit. */
  public ArrayNode routes() {
    JsonNode current = user.path("gateway").path("routes");
    if (current instanceof ArrayNode a) {
      return a;
    }
    ArrayNode copy = (ArrayNode) get("gateway.routes").deepCopy();
    set("gateway.routes", copy);
    return copy;
  }

  private ObjectNode defaults() {
    try (InputStream in = ConfigDocument.class.getResourceAsStream("/default-config.json")) {
      if (in == null) {
        throw new IllegalStateException("Missing bundled resource /default-config.json");
      }
      return (ObjectNode) mapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
