package dev.headroom.memory;

import dev.headroom.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Memory history rows in H2 (tables of migration V1). */
public final class MemoryStore {
  private final Database db;

  public MemoryStore(Database db) {
    this.db = db;
  }

  void insertSecond(MemorySample s) {
    db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement("MERGE INTO memory_sample_1s(ts, total_bytes, available_bytes,"
          + " swap_total_bytes, swap_used_bytes, pages_in, pages_out) KEY(ts) VALUES (?,?,?,?,?,?,?)")) {
        bind(ps, s);
        return ps.executeUpdate();
      }
    });
  }

  void insertMinute(MinuteAggregate m) {
    db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement("MERGE INTO memory_sample_1m(ts, total_bytes, available_bytes,"
          + " swap_total_bytes, swap_used_bytes, pages_in, pages_out, min_available_bytes, samples) KEY(ts)"
          + " VALUES (?,?,?,?,?,?,?,?,?)")) {
        bind(ps, m.mean());
        ps.setLong(8, m.minAvailableBytes());
        ps.setInt(9, m.samples());
        return ps.executeUpdate();
      }
    });
  }

  void prune(Instant secondsBefore, Instant minutesBefore) {
    db.withConnection(c -> {
      try (PreparedStatement a = c.prepareStatement("DELETE FROM memory_sample_1s WHERE ts < ?");
          PreparedStatement b = c.prepareStatement("DELETE FROM memory_sample_1m WHERE ts < ?")) {
        a.setLong(1, secondsBefore.toEpochMilli());
        a.executeUpdate();
        b.setLong(1, minutesBefore.toEpochMilli());
        return b.executeUpdate();
      }
    });
  }

  List<MemorySample> loadSeconds(Instant since) {
    return db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT ts, total_bytes, available_bytes, swap_total_bytes,"
          + " swap_used_bytes, pages_in, pages_out FROM memory_sample_1s WHERE ts >= ? ORDER BY ts")) {
        ps.setLong(1, since.toEpochMilli());
        List<MemorySample> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(read(rs));
          }
        }
        return out;
      }
    });
  }

  List<MinuteAggregate> loadMinutes(Instant since) {
    return db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT ts, total_bytes, available_bytes, swap_total_bytes,"
          + " swap_used_bytes, pages_in, pages_out, min_available_bytes, samples FROM memory_sample_1m"
          + " WHERE ts >= ? ORDER BY ts")) {
        ps.setLong(1, since.toEpochMilli());
        List<MinuteAggregate> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new MinuteAggregate(read(rs), rs.getLong(8), rs.getInt(9)));
          }
        }
        return out;
      }
    });
  }

  private static void bind(PreparedStatement ps, MemorySample s) throws SQLException {
    ps.setLong(1, s.time().toEpochMilli());
    ps.setLong(2, s.totalBytes());
    ps.setLong(3, s.availableBytes());
    ps.setLong(4, s.swapTotalBytes());
    ps.setLong(5, s.swapUsedBytes());
    ps.setLong(6, s.pagesIn());
    ps.setLong(7, s.pagesOut());
  }

  private static MemorySample read(ResultSet rs) throws SQLException {
    return new MemorySample(Instant.ofEpochMilli(rs.getLong(1)), rs.getLong(2), rs.getLong(3), rs.getLong(4),
        rs.getLong(5), rs.getLong(6), rs.getLong(7));
  }
}
