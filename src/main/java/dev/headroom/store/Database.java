package dev.headroom.store;

import dev.headroom.core.AppException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded H2 file database. Opening it applies the numbered migrations found on the class path at
 * {@code db/V<n>__<name>.sql} (n = 1..99, gaps allowed), each once, recorded in {@code schema_version}.
 *
 * <p>One connection is shared and guarded: H2 embedded is fast enough that serialising writes is simpler and safer
 * than a pool. Use {@link #withConnection} for work and {@link #inTransaction} for several statements.
 *
 * <pre>{@code
 * try (Database db = Database.open(dir)) {
 *   db.inTransaction(c -> { ... return null; });
 * }
 * }</pre>
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  private static final int MAX_MIGRATION = 99;

  /** Work on a connection. */
  @FunctionalInterface
  public interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Above this size the file is rewritten whole ({@code SHUTDOWN COMPACT} and reopen) when most of it is dead
   * space. H2 keeps every chunk for 45 s after it dies, so at a steady commit rate the file settles at about that
   * rate's worth of chunks (15-19 MB at ~35 events/s in durable groups, for ~1 MB of live data) and creeps up as
   * the data grows; the rewrite cuts it back to the live data. Rewriting a few MB takes ~0.2 s.
   */
  static final long REWRITE_ABOVE_BYTES = 16L << 20;
  /** Rewrite only when the chunks hold less than this percentage of live data (the file is over 4x its live data). */
  static final int REWRITE_BELOW_LIVE_PERCENT = 25;
  /**
   * Writers wait while the file is rewritten (0.3 s for 1 MB of live data, seconds for tens of MB on a busy disk), so
   * a rewrite follows the previous one only after this many times its duration: rewrites take at most 1/20 of the
   * writer's time even under a sustained burst, at the price of a larger file meanwhile.
   */
  static final int REWRITE_SPACING = 19;

  private final Object lock = new Object();
  private final String url;
  private final Path dir;
  private Connection connection; // guarded by lock; null after a rewrite until the next use reopens it
  private boolean closed; // guarded by lock
  /** Monotonic nanoseconds; tests move it. */
  java.util.function.LongSupplier nanos = System::nanoTime;
  private long lastRewriteEnd = Long.MIN_VALUE; // guarded by lock
  private long lastRewriteNanos; // guarded by lock
  private long sizeAfterRewrite; // guarded by lock; the size at open until the first rewrite

  private Database(Connection connection, String url, Path dir) {
    this.connection = connection;
    this.url = url;
    this.dir = dir;
  }

  /** Opens (creating if needed) {@code dir/headroom.mv.db} and migrates it. */
  public static Database open(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new AppException("Cannot create data directory " + dir + ": " + e.getMessage(), e);
    }
    String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("headroom") + ";DB_CLOSE_ON_EXIT=FALSE";
    Connection c = null;
    try {
      c = DriverManager.getConnection(url, "headroom", "");
      Database db = new Database(c, url, dir);
      db.sizeAfterRewrite = db.fileSize(); // H2 compacts the file when it closes cleanly
      db.migrate();
      return db;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(c); // a refused or half-migrated database must not stay locked by this process
      if (e instanceof AppException a) {
        throw a;
      }
      if (e instanceof RuntimeException r) {
        throw r;
      }
      SQLException sql = (SQLException) e;
      if (sql.getErrorCode() == 90020) {
        throw new AppException("The history database in " + dir
            + " is in use by another Headroom; quit it first (or set HEADROOM_STORAGE_DATA_DIR).", e);
      }
      throw new AppException("Cannot open the history database in " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void closeQuietly(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException ignored) {
      // already failing: the first error is the one reported
    }
  }

  /**
   * Makes everything committed so far durable: commits H2's store (its write delay otherwise keeps committed rows
   * in memory for up to half a second) and forces the file to the device. Call after a commit whose caller is
   * about to be told "stored".
   */
  public void sync() {
    withConnection(c -> {
      try (Statement st = c.createStatement()) {
        st.execute("CHECKPOINT SYNC");
      }
      return null;
    });
  }

  /**
   * Rewrites sparsely used chunks of the file so their space is reused (the file stays bounded instead of growing
   * with dead space). Rewrites at most 8 MiB per call so the writer waits only briefly; safe to call while the app
   * runs. The compacted chunks are forced to the device like any durable commit.
   */
  public void compact() {
    compact(REWRITE_ABOVE_BYTES);
  }

  /**
   * {@link #compact()} with another rewrite threshold (tests). When the file is larger than {@code rewriteAbove}
   * and its chunks are mostly dead, the file is rewritten whole: {@code SHUTDOWN COMPACT} copies the live data to a
   * new file and the connection is reopened. Callers wait on the shared connection meanwhile (milliseconds for the
   * megabytes Headroom keeps); everything committed before stays committed.
   *
   * @return true when the file was rewritten
   */
  boolean compact(long rewriteAbove) {
    synchronized (lock) {
      withConnection(c -> {
        org.h2.mvstore.MVStore store = mvStore(c);
        if (store != null && !store.isClosed()) {
          store.compact(80, 8 << 20);
          store.commit();
          try (Statement st = c.createStatement()) {
            st.execute("CHECKPOINT SYNC");
          }
        }
        return null;
      });
      return rewriteIfBloated(rewriteAbove);
    }
  }

  /**
   * Cheap enough to call every few seconds: a file-size check, and only when the file is above
   * {@link #REWRITE_ABOVE_BYTES} a look at how much of it is live and, if under a quarter, a whole-file rewrite. A burst
   * of durable commits (thousands of events a second) grows the file by megabytes a second, faster than H2 reuses the
   * space of dead chunks; this cuts it back.
   *
   * @return true when the file was rewritten
   */
  public boolean rewriteIfBloated() {
    return rewriteIfBloated(REWRITE_ABOVE_BYTES);
  }

  boolean rewriteIfBloated(long rewriteAbove) {
    if (fileSize() <= rewriteAbove) {
      return false;
    }
    synchronized (lock) {
      if (lastRewriteEnd != Long.MIN_VALUE && nanos.getAsLong() - lastRewriteEnd < REWRITE_SPACING * lastRewriteNanos) {
        return false;
      }
      int live = withConnection(c -> {
        org.h2.mvstore.MVStore store = mvStore(c);
        if (store == null || store.isClosed()) {
          return 100;
        }
        return store.getFileStore().getFillRate() * store.getFileStore().getChunksFillRate() / 100;
      });
      long before = fileSize();
      if (!bloated(before, rewriteAbove, live, sizeAfterRewrite)) {
        return false;
      }
      long start = nanos.getAsLong();
      try {
        withConnection(c -> {
          try (Statement st = c.createStatement()) {
            st.execute("SHUTDOWN COMPACT");
          }
          return null;
        });
      } finally {
        closeQuietly(connection); // whatever SHUTDOWN COMPACT did, the next use opens the file afresh
        connection = null;
      }
      reopen();
      sizeAfterRewrite = fileSize();
      lastRewriteEnd = nanos.getAsLong();
      lastRewriteNanos = lastRewriteEnd - start;
      LOG.info("Store file rewritten: {} KiB ({} % live) -> {} KiB in {} ms", before >> 10, live, sizeAfterRewrite >> 10,
          lastRewriteNanos / 1_000_000);
      return true;
    }
  }

  /**
   * Whether a file of {@code size} bytes is worth rewriting whole: above {@code rewriteAbove}, and either H2 counts
   * under {@link #REWRITE_BELOW_LIVE_PERCENT} of it live (the chunks' share of the file times the live share of the
   * chunks) or it has grown to over 4x its size after the last rewrite (or at open). H2's counts miss free space
   * left in the middle of the file after a burst (a 55 MB file holding ~5 MB stayed "live" by them), the growth
   * rule does not.
   */
  static boolean bloated(long size, long rewriteAbove, int livePercent, long sizeAfterRewrite) {
    if (size <= rewriteAbove) {
      return false;
    }
    return livePercent < REWRITE_BELOW_LIVE_PERCENT || size > 4 * sizeAfterRewrite;
  }

  private Connection reopen() {
    if (closed) {
      throw new AppException("The history database in " + dir + " is closed.");
    }
    if (connection == null) {
      try {
        connection = DriverManager.getConnection(url, "headroom", "");
      } catch (SQLException e) {
        throw new AppException("Cannot reopen the history database in " + dir + ": " + e.getMessage(), e);
      }
    }
    return connection;
  }

  /** Bytes of the database file (0 when it cannot be read). */
  public long fileSize() {
    try {
      return Files.size(dir.toAbsolutePath().resolve("headroom.mv.db"));
    } catch (IOException e) {
      return 0;
    }
  }

  private static org.h2.mvstore.MVStore mvStore(Connection c) throws SQLException {
    if (c.unwrap(org.h2.jdbc.JdbcConnection.class).getSession() instanceof org.h2.engine.SessionLocal s
        && s.getDatabase().getStore() != null) {
      return s.getDatabase().getStore().getMvStore();
    }
    return null;
  }

  /** The directory holding the database files. */
  public Path dir() {
    return dir;
  }

  /** Runs {@code work} holding the shared connection; SQL errors become {@link AppException}. */
  public <T> T withConnection(SqlWork<T> work) {
    synchronized (lock) {
      try {
        return work.run(reopen());
      } catch (SQLException e) {
        throw new AppException("Database error: " + e.getMessage(), e);
      }
    }
  }

  /** Runs {@code work} in one transaction, rolled back on failure. */
  public <T> T inTransaction(SqlWork<T> work) {
    synchronized (lock) {
      try {
        Connection connection = reopen();
        connection.setAutoCommit(false);
        try {
          T result = work.run(connection);
          connection.commit();
          return result;
        } catch (SQLException | RuntimeException e) {
          connection.rollback();
          throw e;
        } finally {
          connection.setAutoCommit(true);
        }
      } catch (SQLException e) {
        throw new AppException("Database error: " + e.getMessage(), e);
      }
    }
  }

  /** The migration versions applied so far, ascending. */
  public List<Integer> appliedVersions() {
    return withConnection(c -> {
      List<Integer> out = new ArrayList<>();
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT version FROM schema_version ORDER BY version")) {
        while (rs.next()) {
          out.add(rs.getInt(1));
        }
      }
      return out;
    });
  }

  private void migrate() throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INT PRIMARY KEY, name VARCHAR(200) NOT NULL,"
          + " applied_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL)");
    }
    List<Integer> applied = appliedVersions();
    int known = highestKnownMigration();
    int newest = applied.isEmpty() ? 0 : applied.get(applied.size() - 1);
    if (newest > known) {
      throw new AppException("The history database in " + dir + " was written by a newer Headroom (schema version "
          + newest + "; this version knows up to " + known + "). Start the newer Headroom, or point"
          + " HEADROOM_STORAGE_DATA_DIR at another directory; the database was left untouched.");
    }
    for (int v = 1; v <= MAX_MIGRATION; v++) {
      if (applied.contains(v)) {
        continue;
      }
      Migration m = findMigration(v);
      if (m == null) {
        continue;
      }
      LOG.info("Applying schema migration V{}__{}", v, m.name());
      final int version = v;
      inTransaction(c -> {
        try (Statement st = c.createStatement()) {
          for (String sql : splitStatements(m.sql())) {
            st.execute(sql);
          }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO schema_version(version, name) VALUES (?, ?)")) {
          ps.setInt(1, version);
          ps.setString(2, m.name());
          ps.executeUpdate();
        }
        return null;
      });
    }
  }

  private record Migration(String name, String sql) {}

  /** The highest migration number this build ships (from the index). */
  static int highestKnownMigration() {
    int max = 0;
    for (String name : migrationIndex()) {
      if (name.startsWith("V") && name.contains("__")) {
        try {
          max = Math.max(max, Integer.parseInt(name.substring(1, name.indexOf("__"))));
        } catch (NumberFormatException e) {
          throw new IllegalStateException("Bad migration name in the index: " + name, e);
        }
      }
    }
    return max;
  }

  private static List<String> migrationIndex() {
    try (InputStream in = Database.class.getResourceAsStream("/db/migrations.idx")) {
      if (in == null) {
        throw new IllegalStateException("Missing bundled resource /db/migrations.idx");
      }
      List<String> out = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R")) {
        if (!line.isBlank()) {
          out.add(line.trim());
        }
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read migrations", e);
    }
  }

  private static Migration findMigration(int version) {
    String index = "/db/migrations.idx";
    // An index file lists the migration names, so the jar need not be scanned.
    try (InputStream in = Database.class.getResourceAsStream(index)) {
      if (in == null) {
        throw new IllegalStateException("Missing bundled resource " + index);
      }
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R")) {
        String name = line.trim();
        if (name.startsWith("V" + version + "__") && name.endsWith(".sql")) {
          try (InputStream sql = Database.class.getResourceAsStream("/db/" + name)) {
            if (sql == null) {
              throw new IllegalStateException("Migration listed but missing: " + name);
            }
            return new Migration(name.substring(name.indexOf("__") + 2, name.length() - 4),
                new String(sql.readAllBytes(), StandardCharsets.UTF_8));
          }
        }
      }
      return null;
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read migrations", e);
    }
  }

  // Statements are separated by ';' at the end of a line; comments start with '--'.
  static List<String> splitStatements(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String line : script.split("\\R")) {
      String t = line.strip();
      if (t.startsWith("--") || t.isEmpty()) {
        continue;
      }
      cur.append(line).append('\n');
      if (t.endsWith(";")) {
        String stmt = cur.toString().strip();
        out.add(stmt.substring(0, stmt.length() - 1));
        cur.setLength(0);
      }
    }
    if (!cur.toString().isBlank()) {
      out.add(cur.toString().strip());
    }
    return out;
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      if (connection == null) {
        return;
      }
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.warn("Closing the database failed: {}", e.getMessage());
      }
      connection = null;
    }
  }
}
