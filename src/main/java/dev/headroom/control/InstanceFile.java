package dev.headroom.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.core.AppException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * How to reach the running Headroom: {@code instance.json} in the data directory, readable by the user only (0600
 * on POSIX; the per-user data directory elsewhere), holding the control API's port, the process id and the token.
 * Written atomically once the control API listens; deleted at shutdown.
 *
 * @param pid the running app's process id
 * @param port its loopback port (the control API is under {@code /control/})
 * @param token the bearer token every control request must carry
 * @param version the running app's version
 */
public record InstanceFile(long pid, int port, String token, String version) {
  public static final String NAME = "instance.json";
  static final Set<PosixFilePermission> USER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The file's path inside {@code dataDir}. */
  public static Path path(Path dataDir) {
    return dataDir.resolve(NAME);
  }

  /** Writes this record to {@code dataDir/instance.json} with user-only permissions, replacing any old one. */
  public void write(Path dataDir) {
    Path target = path(dataDir);
    ObjectNode o = JSON.createObjectNode();
    o.put("pid", pid);
    o.put("port", port);
    o.put("token", token);
    o.put("version", version);
    try {
      Files.createDirectories(dataDir);
      Path tmp;
      if (posix()) {
        tmp = Files.createTempFile(dataDir, ".instance", ".tmp", PosixFilePermissions.asFileAttribute(USER_ONLY));
      } else {
        tmp = Files.createTempFile(dataDir, ".instance", ".tmp");
      }
      Files.writeString(tmp, JSON.writeValueAsString(o), StandardCharsets.UTF_8);
      try {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new AppException("Cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads {@code dataDir/instance.json}; empty when there is none, when it is malformed, or when its process is no
   * longer alive (a crash leaves the file behind).
   */
  public static Optional<InstanceFile> read(Path dataDir) {
    Path file = path(dataDir);
    JsonNode o;
    try {
      o = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
    if (o == null || !o.path("pid").canConvertToLong() || !o.path("port").canConvertToInt()
        || !o.path("token").isTextual()) {
      return Optional.empty();
    }
    int port = o.get("port").asInt();
    long pid = o.get("pid").asLong();
    if (port <= 0 || port > 65_535 || o.get("token").asText().isEmpty()) {
      return Optional.empty();
    }
    InstanceFile f = new InstanceFile(pid, port, o.get("token").asText(), o.path("version").asText(""));
    return f.alive() ? Optional.of(f) : Optional.empty();
  }

  /** True when the recorded process still runs. */
  public boolean alive() {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Deletes the file if it is still this instance's (a newer instance may have replaced it). */
  public void deleteIfOurs(Path dataDir) {
    Path file = path(dataDir);
    try {
      JsonNode o = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
      if (o != null && token.equals(o.path("token").asText())) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      // Gone already, or unreadable: nothing of ours to remove.
    }
  }

  static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  @Override
  public String toString() {
    // Never print the token.
    return "InstanceFile[pid=" + pid + ", port=" + port + ", version=" + version + "]";
  }
}
