package dev.headroom.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.AppException;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
  @TempDir Path dir;

  @Test
  void migrationsApplyOnceAndSurviveReopen() {
    try (Database db = Database.open(dir)) {
      assertThat(db.appliedVersions()).contains(1);
    }
    try (Database db = Database.open(dir)) {
      assertThat(db.appliedVersions()).doesNotHaveDuplicates().contains(1);
      long rows = rows(db);
      assertThat(rows).isZero();
    }
  }

  @Test
  void failedTransactionIsRolledBack() {
    try (Database db = Database.open(dir)) {
      assertThatThrownBy(() -> db.inTransaction(c -> {
        try (Statement st = c.createStatement()) {
          st.executeUpdate("INSERT INTO memory_sample_1s VALUES (1, 1, 1, 0, 0, 0, 0)");
          st.executeUpdate("INSERT INTO memory_sample_1s VALUES (1, 1, 1, 0, 0, 0, 0)"); // duplicate key
        }
        return null;
      })).isInstanceOf(AppException.class);
      long rows = rows(db);
      assertThat(rows).isZero();
    }
  }

  private static long rows(Database db) {
    return db.withConnection(c -> {
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM memory_sample_1s")) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  @Test
  void scriptsSplitOnStatementEndsAndSkipComments() {
    assertThat(Database.splitStatements("-- c\nCREATE TABLE a (x INT);\n\nCREATE TABLE b (\n y INT\n);\n"))
        .containsExactly("CREATE TABLE a (x INT)", "CREATE TABLE b (\n y INT\n)");
  }

  @Test
  void databaseFromANewerHeadroomIsRefusedAndLeftUntouched() {
    try (Database db = Database.open(dir)) {
      db.withConnection(c -> {
        try (Statement st = c.createStatement()) {
          st.executeUpdate("INSERT INTO schema_version(version, name) VALUES (98, 'from_the_future')");
        }
        return null;
      });
    }
    assertThatThrownBy(() -> Database.open(dir)).isInstanceOf(AppException.class)
        .hasMessageContaining("newer Headroom").hasMessageContaining("schema version 98")
        .hasMessageContaining("knows up to " + Database.highestKnownMigration());
    // Refused without keeping the file locked: it can be opened again (here, after removing the future row).
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:h2:file:" + dir.toAbsolutePath()
        .resolve("headroom"), "headroom", ""); Statement st = c.createStatement()) {
      st.executeUpdate("DELETE FROM schema_version WHERE version = 98");
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
    try (Database db = Database.open(dir)) {
      assertThat(db.appliedVersions()).doesNotContain(98);
    }
  }

  @Test
  void syncAndCompactKeepTheData() {
    try (Database db = Database.open(dir)) {
      db.withConnection(c -> {
        try (Statement st = c.createStatement()) {
          for (int i = 0; i < 500; i++) {
            st.executeUpdate("INSERT INTO memory_sample_1s VALUES (" + i + ", 1, 1, 0, 0, 0, 0)");
          }
          st.executeUpdate("DELETE FROM memory_sample_1s WHERE ts < 400");
        }
        return null;
      });
      db.sync();
      db.compact();
      assertThat(rows(db)).isEqualTo(100);
      assertThat(db.fileSize()).isPositive();
    }
  }

  @Test
  void aMostlyDeadFileAboveTheThresholdIsRewrittenWholeAndStaysUsable() {
    try (Database db = Database.open(dir)) {
      for (int i = 0; i < 400; i++) { // many small durable commits, as the usage writer makes them
        insertSample(db, i);
        db.sync();
      }
      db.withConnection(c -> {
        try (Statement st = c.createStatement()) {
          return st.executeUpdate("DELETE FROM memory_sample_1s WHERE ts < 390");
        }
      });
      db.sync();
      long before = db.fileSize();

      assertThat(db.compact(0)).isTrue();

      assertThat(db.fileSize()).isLessThan(before / 2);
      assertThat(rows(db)).isEqualTo(10);
      insertSample(db, 1000); // the connection was reopened: writes go on
      assertThat(rows(db)).isEqualTo(11);
    }
    try (Database db = Database.open(dir)) {
      assertThat(rows(db)).isEqualTo(11);
    }
  }

  @Test
  void theFrequentFileCheckRewritesOnlyABloatedFile() {
    try (Database db = Database.open(dir)) {
      for (int i = 0; i < 300; i++) {
        insertSample(db, i);
        db.sync();
      }
      assertThat(db.rewriteIfBloated()).isFalse(); // well under 16 MiB
      long before = db.fileSize();
      assertThat(db.rewriteIfBloated(before / 2)).isTrue(); // over the threshold and nearly all dead
      assertThat(db.fileSize()).isLessThan(before / 2);
      assertThat(rows(db)).isEqualTo(300);
    }
  }

  @Test
  void aRewriteWaitsNineteenTimesThePreviousRewritesDurationAfterIt() {
    try (Database db = Database.open(dir)) {
      long[] now = {0};
      long[] step = {1_000_000_000L}; // every reading of the clock moves it 1 s: the first rewrite "takes" 1 s
      db.nanos = () -> {
        long t = now[0];
        now[0] += step[0];
        return t;
      };
      bloat(db, 0);
      assertThat(db.rewriteIfBloated(0)).isTrue(); // from 0 s to 1 s
      step[0] = 0;

      bloat(db, 1000);
      assertThat(db.rewriteIfBloated(0)).isFalse(); // 1 s after it ended
      now[0] = 19_000_000_000L;
      assertThat(db.rewriteIfBloated(0)).isFalse(); // 18 s after
      now[0] = 20_000_000_000L;
      assertThat(db.rewriteIfBloated(0)).isTrue(); // 19 x 1 s after
      assertThat(rows(db)).isEqualTo(400);
    }
  }

  private static void bloat(Database db, int from) {
    for (int i = from; i < from + 200; i++) { // small durable commits: each leaves a mostly dead chunk
      insertSample(db, i);
      db.sync();
    }
  }

  @Test
  void aFileIsBloatedAboveTheThresholdWhenMostlyDeadOrFourTimesItsLastCompactSize() {
    long mb = 1L << 20;
    assertThat(Database.bloated(16 * mb, 16 * mb, 1, mb)).isFalse(); // not above the threshold
    assertThat(Database.bloated(17 * mb, 16 * mb, 24, 17 * mb)).isTrue(); // under a quarter live
    assertThat(Database.bloated(17 * mb, 16 * mb, 25, 17 * mb)).isFalse(); // a quarter live, not grown
    assertThat(Database.bloated(55 * mb, 16 * mb, 60, 13 * mb)).isTrue(); // H2 says live, but 4x the last size
    assertThat(Database.bloated(52 * mb, 16 * mb, 60, 13 * mb)).isFalse(); // exactly 4x: not yet
  }

  @Test
  void aSmallFileIsOnlyCompactedOnlineNeverRewritten() {
    try (Database db = Database.open(dir)) {
      for (int i = 0; i < 50; i++) {
        insertSample(db, i);
        db.sync();
      }
      assertThat(db.fileSize()).isLessThan(Database.REWRITE_ABOVE_BYTES);
      assertThat(db.compact(Database.REWRITE_ABOVE_BYTES)).isFalse();
      assertThat(rows(db)).isEqualTo(50);
    }
  }

  @Test
  void aClosedDatabaseIsNeverReopenedByALateCaller() {
    Database db = Database.open(dir);
    db.close();
    assertThatThrownBy(() -> rows(db)).isInstanceOf(AppException.class).hasMessageContaining("is closed");
    try (Database again = Database.open(dir)) { // and the file is not held
      assertThat(rows(again)).isZero();
    }
  }

  private static void insertSample(Database db, int ts) {
    db.withConnection(c -> {
      try (Statement st = c.createStatement()) {
        return st.executeUpdate("INSERT INTO memory_sample_1s VALUES (" + ts + ", 1, 1, 0, 0, 0, 0)");
      }
    });
  }
}
