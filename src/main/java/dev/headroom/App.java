package dev.headroom;

import dev.headroom.config.AppPaths;
import dev.headroom.config.Settings;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.Tasks;
import dev.headroom.memory.MemoryHistory;
import dev.headroom.memory.MemoryMonitor;
import dev.headroom.memory.MemorySource;
import dev.headroom.memory.MemoryStore;
import dev.headroom.store.Database;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every service from the settings, starts them and stops them in reverse order.
 * Used by the GUI and by {@code --headless}.
 */
final class App implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(App.class);

  final Settings settings;
  final AppPaths paths;
  final Clock clock;
  final Tasks tasks;
  final Database db;
  final MemoryMonitor memory;

  App(Settings settings, AppPaths paths, Clock clock, MemorySource source) {
    this.settings = settings;
    this.paths = paths;
    this.clock = clock;
    Path dataDir = settings.storage().dataDir().isBlank() ? paths.dataDir() : Path.of(settings.storage().dataDir());
    this.tasks = ExecutorTasks.create("headroom", 4);
    this.db = Database.open(dataDir);
    MemoryHistory history = new MemoryHistory(new MemoryStore(db));
    history.restore(clock.instant());
    LOG.info("Restored {} s of fine and {} min of coarse memory history", history.secondCount(),
        history.minuteCount());
    this.memory = new MemoryMonitor(source, settings.memory(), history, clock, tasks);
  }

  void start() {
    memory.start();
  }

  @Override
  public void close() {
    memory.stop();
    tasks.close();
    db.close();
  }
}
