package dev.headroom.cost;

import dev.headroom.core.AppException;
import dev.headroom.core.LogSafe;
import dev.headroom.store.Database;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All of the cost feature's SQL, and the single writer of LLM usage. Callers {@link #append} events and wait; one
 * writer thread takes everything queued (what arrived while the previous commit was being forced to disk; it waits,
 * at most {@link #GATHER}, only for callers still missing from the previous group's count), writes it in one
 * transaction, commits, forces the file ({@link Database#sync()}), counts it and
 * only then completes the callers' futures: an acknowledged event is on disk and survives kill -9, and the cost of
 * the fsync is shared by the whole group (group commit).
 *
 * <pre>{@code
 * CostStore store = new CostStore(db, clock, stored -> totals.add(stored, clock.instant()));
 * store.append(List.of(priced), Optional.empty()).get(); // durable when this returns
 * }</pre>
 */
public final class CostStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CostStore.class);
  /**
   * Longest the writer waits for more callers after the first of a group, and only while fewer callers have come
   * back than were in the previous group (idle: a lone event is written at once).
   */
  static final Duration GATHER = Duration.ofMillis(1);
  /** Largest group written in one transaction. */
  static final int MAX_GROUP_EVENTS = 5_000;
  /** Usage rows and minute snapshots are kept this long, then deleted by {@link #prune}. */
  static final Duration USAGE_RETENTION = Duration.ofDays(400);
  static final Duration MINUTE_RETENTION = Duration.ofDays(90);

  /** Where a tailed log stopped; stored in the same transaction as the events read before it. */
  public record LogOffset(String path, long offset) {}

  /** The writer's health as shown by /health. */
  public record Health(boolean ok, Optional<String> lastError, Optional<Instant> failedAt) {}

  private sealed interface Job permits Append, Work {}

  private record Append(List<PricedUsage> rows, Optional<LogOffset> offset, CompletableFuture<Void> done)
      implements Job {}

  private record Work(Runnable work, CompletableFuture<Void> done) implements Job {}

  private final Database db;
  private final Clock clock;
  private final Consumer<List<PricedUsage>> afterCommit;
  private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>(100_000);
  private final ExecutorService writer;
  private final AtomicReference<Health> health = new AtomicReference<>(new Health(true, Optional.empty(),
      Optional.empty()));
  private final java.util.concurrent.atomic.AtomicLong groups = new java.util.concurrent.atomic.AtomicLong();
  private volatile boolean closing;

  /**
   * @param afterCommit told, on the writer thread and in commit order, about every group once it is durable
   */
  public CostStore(Database db, Clock clock, Consumer<List<PricedUsage>> afterCommit) {
    this.db = db;
    this.clock = clock;
    this.afterCommit = afterCommit;
    this.writer = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "headroom-usage-writer");
      t.setDaemon(true);
      return t;
    });
    writer.execute(this::writeLoop);
  }

  /** Queues events (and optionally a tailer offset) for the next group; the future completes once durable. */
  public CompletableFuture<Void> append(List<PricedUsage> rows, Optional<LogOffset> offset) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (closing) {
      done.completeExceptionally(new StoreUnavailable("The usage store is closing", null));
      return done;
    }
    if (!queue.offer(new Append(List.copyOf(rows), offset, done))) {
      done.completeExceptionally(new StoreUnavailable("The usage store is overloaded (queue full)", null));
    }
    return done;
  }

  /** Runs {@code work} on the writer thread, ordered with the appends around it (used for the rollover reload). */
  public CompletableFuture<Void> onWriter(Runnable work) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (closing || !queue.offer(new Work(work, done))) {
      done.completeExceptionally(new StoreUnavailable("The usage store is closing or overloaded", null));
    }
    return done;
  }

  /** Groups (transactions + fsyncs) written so far. */
  public long groupsWritten() {
    return groups.get();
  }

  /** Whether the last write reached the disk, and the last error if not. */
  public Health health() {
    return health.get();
  }

  private void writeLoop() {
    List<Append> group = new ArrayList<>();
    int expected = 1; // callers in the last group: under steady load, about how many come back for the next
    while (true) {
      Job first;
      try {
        first = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failPending(new StoreUnavailable("The usage store was stopped", e));
        return;
      }
      if (first == null) {
        if (closing) {
          return;
        }
        continue;
      }
      if (first instanceof Work w) {
        runWork(w);
        continue;
      }
      group.clear();
      group.add((Append) first);
      int events = ((Append) first).rows().size();
      long gatherUntil = System.nanoTime() + GATHER.toNanos();
      Work after = null;
      while (events < MAX_GROUP_EVENTS) {
        // Everything that queued up while the previous group was being forced joins this one at once; only when
        // fewer callers are back than were in the last group is it worth a short wait for the rest of them.
        Job next = queue.poll();
        if (next == null && group.size() < expected) {
          next = pollUntil(gatherUntil);
        }
        if (next == null) {
          break;
        }
        if (next instanceof Work w) {
          after = w; // keep order: this group first, then the work
          break;
        }
        group.add((Append) next);
        events += ((Append) next).rows().size();
      }
      expected = group.size();
      writeGroup(group);
      if (after != null) {
        runWork(after);
      }
    }
  }

  private Job pollUntil(long deadline) {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      return null;
    }
    try {
      return queue.poll(left, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private void runWork(Work w) {
    try {
      w.work().run();
      w.done().complete(null);
    } catch (RuntimeException e) {
      w.done().completeExceptionally(e);
    }
  }

  private void writeGroup(List<Append> group) {
    List<PricedUsage> all = new ArrayList<>();
    group.forEach(a -> all.addAll(a.rows()));
    try {
      db.inTransaction(c -> {
        insert(c, all);
        for (Append a : group) {
          if (a.offset().isPresent()) {
            saveOffset(c, a.offset().get());
          }
        }
        return null;
      });
      db.sync();
    } catch (RuntimeException e) {
      String why = e instanceof AppException a ? a.userMessage() : e.toString();
      if (health.get().ok()) {
        LOG.error("Usage store write failed; events are refused (503) until a write succeeds: {}", LogSafe.clean(why),
            e);
      }
      health.set(new Health(false, Optional.of(why), Optional.of(clock.instant())));
      StoreUnavailable failure = new StoreUnavailable("Usage not stored: " + why, e);
      group.forEach(a -> a.done().completeExceptionally(failure));
      return;
    }
    groups.incrementAndGet();
    if (!health.get().ok()) {
      LOG.info("Usage store writes succeed again");
      health.set(new Health(true, Optional.empty(), Optional.empty()));
    }
    try {
      afterCommit.accept(all);
    } catch (RuntimeException e) {
      LOG.warn("Counting stored usage failed: {}", LogSafe.clean(e));
    }
    group.forEach(a -> a.done().complete(null));
  }

  private void failPending(StoreUnavailable e) {
    Job j;
    while ((j = queue.poll()) != null) {
      (j instanceof Append a ? a.done() : ((Work) j).done()).completeExceptionally(e);
    }
  }

  private static void insert(Connection c, List<PricedUsage> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO llm_usage(ts, provider, model, input_tokens,"
        + " cached_tokens, output_tokens, reasoning_tokens, route, cost, cache_write_tokens, cache_write_1h_tokens)"
        + " VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
      for (PricedUsage p : rows) {
        LlmUsage u = p.usage();
        ps.setLong(1, u.time().toEpochMilli());
        ps.setString(2, u.provider());
        ps.setString(3, u.model());
        ps.setLong(4, u.inputTokens());
        ps.setLong(5, u.cachedInputTokens());
        ps.setLong(6, u.outputTokens());
        ps.setLong(7, u.reasoningTokens());
        ps.setString(8, u.route());
        ps.setBigDecimal(9, p.cost().orElse(null));
        ps.setLong(10, u.cacheWriteTokens());
        ps.setLong(11, u.cacheWrite1hTokens());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static void saveOffset(Connection c, LogOffset o) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "MERGE INTO usage_log_offset(path, byte_offset) KEY(path) VALUES (?, ?)")) {
      ps.setString(1, o.path());
      ps.setLong(2, o.offset());
      ps.executeUpdate();
    }
  }

  /** The byte offset a tailer stopped at (0 for a file never read). */
  public long logOffset(String path) {
    return db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT byte_offset FROM usage_log_offset WHERE path = ?")) {
        ps.setString(1, path);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getLong(1) : 0L;
        }
      }
    });
  }

  /**
   * Totals per provider/model of the events at or after {@code from}. Sums are read as decimals and saturate at
   * {@code Long.MAX_VALUE}, so rows stored by older versions (no bounds) cannot stop a start.
   */
  List<UsageTotals.Line> totalsSince(Instant from) {
    return db.withConnection(c -> {
      List<UsageTotals.Line> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT provider, model, COUNT(*),"
          + " SUM(CAST(input_tokens AS DECFLOAT)), SUM(CAST(cached_tokens AS DECFLOAT)),"
          + " SUM(CAST(output_tokens AS DECFLOAT)), SUM(CAST(reasoning_tokens AS DECFLOAT)),"
          + " SUM(CAST(cost AS DECFLOAT)), SUM(CASE WHEN cost IS NULL THEN 1 ELSE 0 END)"
          + " FROM llm_usage WHERE ts >= ? GROUP BY provider, model")) {
        ps.setLong(1, from.toEpochMilli());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            BigDecimal cost = rs.getBigDecimal(8);
            out.add(new UsageTotals.Line(rs.getString(1), rs.getString(2), rs.getLong(3), clamp(rs.getBigDecimal(4)),
                clamp(rs.getBigDecimal(5)), clamp(rs.getBigDecimal(6)), clamp(rs.getBigDecimal(7)),
                clamp(rs.getBigDecimal(9)), cost == null ? BigDecimal.ZERO : cost));
          }
        }
      }
      return out;
    });
  }

  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  private static long clamp(BigDecimal v) {
    if (v == null || v.signum() <= 0) {
      return 0;
    }
    return v.compareTo(LONG_MAX) >= 0 ? Long.MAX_VALUE : v.longValue();
  }

  /** Stores one cost snapshot for its minute (idempotent). */
  void storeMinute(CostSnapshot s) {
    long minute = s.time().toEpochMilli() / 60_000;
    db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement("MERGE INTO cost_minute(ts, llm_today, gcp_today, month_total,"
          + " burn_per_hour) KEY(ts) VALUES (?,?,?,?,?)")) {
        ps.setLong(1, minute * 60_000);
        ps.setBigDecimal(2, column(s.llmToday()));
        ps.setBigDecimal(3, column(s.gcpToday()));
        ps.setBigDecimal(4, column(s.totalMonth()));
        ps.setBigDecimal(5, column(s.burnRatePerHour()));
        return ps.executeUpdate();
      }
    });
  }

  // A snapshot built from saturated old rows could exceed DECIMAL(20, 10): clamp instead of failing every minute.
  private static BigDecimal column(BigDecimal v) {
    return v.min(UsageRules.MAX_COST).max(UsageRules.MAX_COST.negate());
  }

  /** Deletes usage rows and minute snapshots past their retention; returns the rows deleted. */
  public int prune(Instant now) {
    return db.withConnection(c -> {
      int n = 0;
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM llm_usage WHERE ts < ?")) {
        ps.setLong(1, now.minus(USAGE_RETENTION).toEpochMilli());
        n += ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM cost_minute WHERE ts < ?")) {
        ps.setLong(1, now.minus(MINUTE_RETENTION).toEpochMilli());
        n += ps.executeUpdate();
      }
      return n;
    });
  }

  /** Writes what is queued, then stops the writer (bounded). */
  @Override
  public void close() {
    closing = true;
    writer.shutdown();
    try {
      if (!writer.awaitTermination(5, TimeUnit.SECONDS)) {
        writer.shutdownNow();
      }
    } catch (InterruptedException e) {
      writer.shutdownNow();
      Thread.currentThread().interrupt();
    }
    failPending(new StoreUnavailable("The usage store is closed", null));
  }
}
