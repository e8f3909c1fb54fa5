package dev.headroom.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.config.CostSettings;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.MutableClock;
import dev.headroom.core.Tasks;
import dev.headroom.store.Database;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSONL tailer: complete lines only, blank and bad lines, truncation, arrays, old events, an endless line. */
class UsageLogTailerTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private final Tasks tasks = ExecutorTasks.sameThread();
  private Database db;
  private CostEngine engine;
  private Path log;
  private UsageLogTailer tailer;

  @BeforeEach
  void setUp() {
    db = Database.open(dir.resolve("db"));
    engine = new CostEngine(db, PriceBook.load(Optional.empty()),
        new PriceService(Optional.empty(), db, clock, 0, "pd-balanced"), "us-central1",
        new CostSettings(BigDecimal.TEN, new BigDecimal("100"), "", ""), List::of, clock, ZoneOffset.UTC, tasks,
        (p, pc, b) -> { });
    log = dir.resolve("usage.jsonl");
    tailer = new UsageLogTailer(log, engine, clock);
  }

  @AfterEach
  void tearDown() {
    engine.close();
    tasks.close();
    db.close();
  }

  private static String line(String model, int in) {
    return "{\"provider\":\"openai\",\"model\":\"" + model + "\",\"inputTokens\":" + in + ",\"outputTokens\":1}";
  }

  private void append(String text) throws IOException {
    Files.writeString(log, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private long offset() {
    return engine.logOffset(log.toAbsolutePath().toString());
  }

  private long rows() {
    return db.withConnection(c -> {
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM llm_usage")) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  @Test
  void aMissingOrEmptyFileReadsNothingAndWritesNothing() throws IOException {
    assertThat(tailer.poll()).isZero();
    Files.createFile(log);
    assertThat(tailer.poll()).isZero();
    assertThat(engine.groupsWritten()).isZero();
    assertThat(offset()).isZero();
  }

  @Test
  void aLineIsReadOnlyOnceItIsComplete() throws IOException {
    append(line("gpt-4o", 10) + "\n" + line("gpt-4o", 20));
    long firstLine = line("gpt-4o", 10).length() + 1;

    assertThat(tailer.poll()).isEqualTo(1);
    assertThat(offset()).isEqualTo(firstLine);
    assertThat(tailer.poll()).as("the partial line is not read again and again").isZero();
    long groups = engine.groupsWritten();
    assertThat(tailer.poll()).isZero();
    assertThat(engine.groupsWritten()).as("nothing new: no write").isEqualTo(groups);

    append("\n");
    assertThat(tailer.poll()).isEqualTo(1);
    assertThat(offset()).isEqualTo(Files.size(log));
    assertThat(rows()).isEqualTo(2);
  }

  @Test
  void blankLinesMoveTheOffsetWithoutEvents() throws IOException {
    append("\n  \n\r\n");

    assertThat(tailer.poll()).isZero();

    assertThat(offset()).isEqualTo(Files.size(log));
    assertThat(rows()).isZero();
  }

  @Test
  void anArrayLineCountsEachEventAndOldEventsAreBackfilled() throws IOException {
    append("[" + line("gpt-4o", 1) + "," + line("gpt-4o-mini", 2) + "]\n"
        + "{\"provider\":\"openai\",\"model\":\"gpt-4o\",\"time\":\"2026-01-01T00:00:00Z\"}\n");

    assertThat(tailer.poll()).isEqualTo(3);
    assertThat(rows()).isEqualTo(3);
  }

  @Test
  void aBadLineBetweenGoodOnesIsSkipped() throws IOException {
    append(line("gpt-4o", 1) + "\n{not json\n" + line("gpt-4o", -5) + "\n[1]\n" + line("gpt-4o", 3) + "\n");

    assertThat(tailer.poll()).isEqualTo(2);
    assertThat(offset()).isEqualTo(Files.size(log));
  }

  @Test
  void aFileShorterThanTheOffsetIsReadFromTheStart() throws IOException {
    append(line("gpt-4o", 1) + "\n" + line("gpt-4o", 2) + "\n");
    assertThat(tailer.poll()).isEqualTo(2);

    Files.writeString(log, line("gpt-4o", 3) + "\n"); // rotated: a new, shorter file
    assertThat(tailer.poll()).isEqualTo(1);
    assertThat(offset()).isEqualTo(Files.size(log));
    assertThat(rows()).isEqualTo(3);
  }

  @Test
  void aFileAsLongAsTheOffsetIsNotReadAgain() throws IOException {
    append(line("gpt-4o", 1) + "\n");
    assertThat(tailer.poll()).isEqualTo(1);

    assertThat(tailer.poll()).isZero();
    assertThat(rows()).isEqualTo(1);
  }

  @Test
  void aLineWithoutAnEndWithinTheReadLimitIsSkippedWhole() throws IOException {
    byte[] junk = new byte[UsageLogTailer.MAX_READ + 10];
    Arrays.fill(junk, (byte) 'x');
    Files.write(log, junk);
    append("\n" + line("gpt-4o", 1) + "\n");

    assertThat(tailer.poll()).isZero();
    assertThat(offset()).isEqualTo(UsageLogTailer.MAX_READ);
    // the rest of the junk line ends here: skipped as a bad line; the good line after it counts
    assertThat(tailer.poll()).isEqualTo(1);
    assertThat(tailer.poll()).isZero();
    assertThat(offset()).isEqualTo(Files.size(log));
    assertThat(rows()).isEqualTo(1);
  }
}
