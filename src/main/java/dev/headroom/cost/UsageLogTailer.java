package dev.headroom.cost;

import dev.headroom.core.AppException;
import dev.headroom.core.LogSafe;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a JSONL file of usage events (one {@code POST /usage} object a line) for tools that only log. The events
 * of a poll and the byte offset after them are stored in one transaction, so a kill -9 at any point neither loses
 * nor double counts a line; a truncated file starts over. A bad line is reported once and skipped: the offset
 * always moves past it. Events may be older than a day (a log read after downtime), never older than
 * {@link UsageRules#EARLIEST}.
 */
public final class UsageLogTailer {
  private static final Logger LOG = LoggerFactory.getLogger(UsageLogTailer.class);
  /** Most bytes read in one poll; a longer backlog is read over several polls. */
  static final int MAX_READ = 16 << 20;

  private final Path file;
  private final String key;
  private final CostEngine cost;
  private final Clock clock;

  public UsageLogTailer(Path file, CostEngine cost, Clock clock) {
    this.file = file;
    this.key = file.toAbsolutePath().toString();
    this.cost = cost;
    this.clock = clock;
  }

  /** Reads the complete lines added since the last call; returns how many events were recorded. */
  public int poll() {
    if (!Files.isRegularFile(file)) {
      return 0;
    }
    long offset = cost.logOffset(key);
    byte[] rest;
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long length = f.length();
      if (length < offset) {
        LOG.info("Usage log {} is shorter than where it was read to: reading it from the start",
            LogSafe.clean(file));
        offset = 0; // truncated or rotated
      }
      f.seek(offset);
      rest = new byte[(int) Math.min(length - offset, MAX_READ)];
      f.readFully(rest);
    } catch (IOException e) {
      LOG.warn("Cannot read usage log {}: {}", LogSafe.clean(file), LogSafe.clean(e.getMessage()));
      return 0;
    }
    List<PricedUsage> events = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < rest.length; i++) {
      if (rest[i] != '\n') {
        continue;
      }
      parseLine(rest, start, i, offset, events);
      start = i + 1;
    }
    if (start == 0 && rest.length == MAX_READ) {
      LOG.warn("Skipping {} bytes at offset {} of {}: no line end within {} MiB", rest.length, offset,
          LogSafe.clean(file), MAX_READ >> 20);
      start = rest.length;
    }
    long next = offset + start; // a partial last line is read again next time
    if (next == offset && events.isEmpty()) {
      return 0;
    }
    cost.store(events, Optional.of(new CostStore.LogOffset(key, next)));
    return events.size();
  }

  private void parseLine(byte[] buf, int from, int to, long base, List<PricedUsage> into) {
    String line = new String(buf, from, to - from, StandardCharsets.UTF_8).strip();
    if (line.isEmpty()) {
      return;
    }
    try {
      for (LlmUsage u : CostHttp.parse(line.getBytes(StandardCharsets.UTF_8), clock.instant())) {
        into.add(cost.price(u, "", true));
      }
    } catch (AppException | ArithmeticException | IllegalArgumentException e) {
      String why = e instanceof AppException a ? a.userMessage() : e.toString();
      LOG.warn("Skipping a bad line at byte {} of {}: {}", base + from, LogSafe.clean(file), LogSafe.clean(why));
    }
  }
}
