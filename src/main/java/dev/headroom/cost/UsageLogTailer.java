package dev.headroom.cost;

import dev.headroom.core.AppException;
import dev.headroom.store.Database;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a JSONL file of usage events (one {@code POST /usage} object a line) for tools that only log. The byte
 * offset read so far is stored, so a restart does not count a line twice; a truncated file starts over; a bad line
 * is logged and skipped.
 */
public final class UsageLogTailer {
  private static final Logger LOG = LoggerFactory.getLogger(UsageLogTailer.class);
  private final Path file;
  private final UsageSink sink;
  private final Database db;
  private final Clock clock;

  public UsageLogTailer(Path file, UsageSink sink, Database db, Clock clock) {
    this.file = file;
    this.sink = sink;
    this.db = db;
    this.clock = clock;
  }

  /** Reads the complete lines added since the last call; returns how many events were recorded. */
  public int poll() {
    if (!Files.isRegularFile(file)) {
      return 0;
    }
    long offset = offset();
    int recorded = 0;
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      if (f.length() < offset) {
        offset = 0; // truncated or rotated
      }
      f.seek(offset);
      byte[] rest = new byte[(int) Math.min(f.length() - offset, 16L << 20)];
      f.readFully(rest);
      int start = 0;
      for (int i = 0; i < rest.length; i++) {
        if (rest[i] != '\n') {
          continue;
        }
        String line = new String(rest, start, i - start, StandardCharsets.UTF_8).strip();
        start = i + 1;
        if (line.isEmpty()) {
          continue;
        }
        try {
          for (LlmUsage u : CostHttp.parse(line.getBytes(StandardCharsets.UTF_8), clock.instant())) {
            sink.record(u);
            recorded++;
          }
        } catch (AppException e) {
          LOG.warn("Skipping a bad line in {}: {}", file, e.userMessage());
        }
      }
      saveOffset(offset + start); // a partial last line is read again next time
    } catch (IOException e) {
      LOG.warn("Cannot read usage log {}: {}", file, e.getMessage());
    }
    return recorded;
  }

  private long offset() {
    return db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT byte_offset FROM usage_log_offset WHERE path = ?")) {
        ps.setString(1, file.toAbsolutePath().toString());
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getLong(1) : 0L;
        }
      }
    });
  }

  private void saveOffset(long offset) {
    db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "MERGE INTO usage_log_offset(path, byte_offset) KEY(path) VALUES (?, ?)")) {
        ps.setString(1, file.toAbsolutePath().toString());
        ps.setLong(2, offset);
        return ps.executeUpdate();
      }
    });
  }
}
