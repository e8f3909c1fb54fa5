package dev.headroom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.config.AppPaths;
import dev.headroom.config.Settings;
import dev.headroom.config.SettingsLoader;
import dev.headroom.core.AppException;
import dev.headroom.memory.ScriptedMemorySource;
import dev.headroom.store.Database;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An App whose construction fails late (after the database, the executors, the usage writer, the billing reader and
 * the gateway exist) closes everything it had opened: no thread it started stays alive and the H2 file is released.
 */
class AppStartupFailureTest {
  @TempDir Path home;

  /** Settings whose usage log path the OS cannot use: the tailer, built near the end of the constructor, throws. */
  private Settings settingsFailingLate(Path data) throws Exception {
    Path config = home.resolve("config.json");
    ObjectMapper json = new ObjectMapper();
    java.nio.file.Files.writeString(config, "{\"gateway\":{\"port\":0,\"routes\":[]},\"storage\":{\"dataDir\":"
        + json.writeValueAsString(data.toString()) + "},\"cost\":{\"usageLogPath\":"
        + json.writeValueAsString("usage\u0000.jsonl") + "}}");
    return new SettingsLoader().load(config, Map.of());
  }

  private static Set<Thread> liveThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).collect(Collectors.toSet());
  }

  /** Threads started since {@code before} that are still alive after up to 5 s (executors wind down briefly). */
  private static List<String> leftBehind(Set<Thread> before) throws InterruptedException {
    List<String> names = List.of();
    for (int i = 0; i < 50; i++) {
      names = liveThreads().stream().filter(t -> !before.contains(t))
          .filter(t -> !t.getName().startsWith("ForkJoinPool.commonPool")) // the JVM's shared pool
          .map(t -> t.getName() + (t.isDaemon() ? " (daemon)" : "")).sorted().toList();
      if (names.isEmpty()) {
        return names;
      }
      // The JDK 17 HttpClient (cloud health check) has no close(): its selector thread ends once the client is
      // garbage, which the half-built app, unreachable now, lets happen.
      System.gc();
      Thread.sleep(100);
    }
    return names;
  }

  private static boolean fileIsLocked(Path file) throws Exception {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      FileLock lock = ch.tryLock();
      if (lock == null) {
        return true;
      }
      lock.release();
      return false;
    } catch (OverlappingFileLockException e) {
      return true; // held by this JVM (H2's own FileChannel)
    }
  }

  @Test
  void theLockCheckSeesAnOpenDatabase() throws Exception {
    Path data = home.resolve("open");
    try (Database db = Database.open(data)) {
      assertThat(fileIsLocked(data.resolve("headroom.mv.db"))).isTrue();
    }
    assertThat(fileIsLocked(data.resolve("headroom.mv.db"))).isFalse();
  }

  @Test
  void aFailureLateInConstructionClosesEverythingAlreadyOpened() throws Exception {
    Path data = home.resolve("data");
    Settings settings = settingsFailingLate(data);
    Set<Thread> before = liveThreads();

    assertThatThrownBy(() -> new App(settings, new AppPaths(home.resolve("config.json"), data), Clock.systemUTC(),
        new ScriptedMemorySource(), () -> {
          throw new AppException("no cloud in this test");
        }, Optional.empty())).isInstanceOf(InvalidPathException.class);

    assertThat(leftBehind(before)).as("threads the half-built app started").isEmpty();
    assertThat(fileIsLocked(data.resolve("headroom.mv.db"))).as("H2 file still held").isFalse();
    try (Database again = Database.open(data)) {
      assertThat(again.appliedVersions()).isNotEmpty();
    }
  }
}
