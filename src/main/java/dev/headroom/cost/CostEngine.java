package dev.headroom.cost;

import dev.headroom.billing.BilledView;
import dev.headroom.billing.GcpBilled;
import dev.headroom.billing.Nowcast;
import dev.headroom.config.CostSettings;
import dev.headroom.core.LogSafe;
import dev.headroom.core.Tasks;
import dev.headroom.store.Database;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The unified cost view: LLM usage (priced from the {@link PriceBook}) plus GCP VM runtime (priced by the
 * {@link PriceService}), recomputed every {@link #TICK} into a {@link CostSnapshot} for subscribers (the UI, the SSE
 * stream) and stored once a minute. Events are validated, priced, then made durable by the {@link CostStore}'s
 * single writer before {@link #record} returns; aggregation is incremental ({@link UsageTotals}), the usage table is
 * read only at start and at rollover. No lock is held while prices are looked up or the disk is written.
 *
 * <pre>{@code
 * CostEngine cost = new CostEngine(db, book, prices, "us-central1", settings.cost(), vms, clock, zone, tasks, alerts);
 * cost.start();
 * cost.subscribe(snapshot -> ui.show(snapshot));
 * cost.record(usage);   // from the gateway: durable when it returns
 * }</pre>
 */
public final class CostEngine implements UsageSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CostEngine.class);
  public static final Duration TICK = Duration.ofSeconds(2);
  /** Longest a caller waits for its events to be durable before it is told the store is unavailable. */
  static final Duration DURABLE_WAIT = Duration.ofSeconds(10);
  private static final BigDecimal HOUR_SECONDS = BigDecimal.valueOf(3600);
  // Every durable commit writes an H2 chunk; compacting once a minute lets the file reuse the space of the chunks the
  // last minute left sparse, so the file stays flat instead of saw-toothing up to several times its live data.
  static final Duration MAINTENANCE = Duration.ofMinutes(1);
  // A burst of durable commits grows the file by megabytes a second; a size check this often bounds the overshoot.
  static final Duration FILE_CHECK = Duration.ofSeconds(10);

  private final Database db;
  private final PriceBook book;
  private final PriceService prices;
  private final String region;
  private volatile CostSettings settings;
  private final Supplier<List<VmRuntime>> vms;
  private final Clock clock;
  private final ZoneId zone;
  private final Tasks tasks;
  private final Budgets budgets;
  private final UsageTotals totals;
  private final CostStore store;
  private final List<Consumer<CostSnapshot>> subscribers = new CopyOnWriteArrayList<>();
  private final java.util.Set<String> unpricedSeen = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile CostSnapshot latest;
  private long lastStoredMinute = -1;
  private volatile BilledView billing = BilledView.NOT_CONFIGURED;
  private Tasks.Handle ticker;
  private Tasks.Handle maintenance;
  private Tasks.Handle fileCheck;

  public CostEngine(Database db, PriceBook book, PriceService prices, String region, CostSettings settings,
      Supplier<List<VmRuntime>> vms, Clock clock, ZoneId zone, Tasks tasks, BudgetAlerts alerts) {
    this.db = db;
    this.book = book;
    this.prices = prices;
    this.region = region;
    this.settings = settings;
    this.vms = vms;
    this.clock = clock;
    this.zone = zone;
    this.tasks = tasks;
    this.budgets = new Budgets(alerts);
    this.totals = new UsageTotals(zone);
    this.store = new CostStore(db, clock, stored -> totals.add(stored, clock.instant()));
    reload(LocalDate.ofInstant(clock.instant(), zone));
  }

  /** The real GCP bill joined into every snapshot (issue 13); it answers from memory, never blocking the tick. */
  public void useBilling(BilledView view) {
    this.billing = view;
  }

  /**
   * Publishes a snapshot every two seconds, prunes and compacts the store every minute and checks the file for a
   * burst's dead space every ten seconds, until closed.
   */
  public void start() {
    ticker = tasks.every(TICK, this::tick);
    maintenance = tasks.every(MAINTENANCE, this::maintain);
    fileCheck = tasks.every(FILE_CHECK, db::rewriteIfBloated);
  }

  /** Adds a subscriber (called on the ticking thread); returns a remover. */
  public Runnable subscribe(Consumer<CostSnapshot> s) {
    subscribers.add(s);
    return () -> subscribers.remove(s);
  }

  /** The last snapshot, computing one if none was published yet. */
  public CostSnapshot latest() {
    CostSnapshot s = latest;
    return s != null ? s : tick();
  }

  /** New daily and monthly budgets (Preferences apply them live): the next snapshot uses them. */
  public void updateBudgets(BigDecimal daily, BigDecimal monthly) {
    CostSettings s = settings;
    settings = new CostSettings(daily, monthly, s.priceBookPath(), s.usageLogPath(), s.priceBookUrl(),
        s.spikeThresholdUsd(), s.serviceGroups());
  }

  /** Today's budget left, from the latest snapshot (total spend today, LLM + GCP). */
  public Optional<BigDecimal> dailyBudgetLeft() {
    CostSnapshot s = latest();
    return Optional.of(settings.dailyBudgetUsd().subtract(s.totalToday()).max(BigDecimal.ZERO));
  }

  /** Where the LLM price book comes from and its date (shown beside the per-model costs). */
  public Optional<PriceBook.Source> priceBookSource() {
    return book.source();
  }

  /** The Spot $/h of a machine type in the configured region, when known. */
  public Optional<BigDecimal> hourlyPrice(String machineType) {
    return prices.hourlyPrice(machineType, region).map(VmPrice::perHour);
  }

  /** Whether the usage store's last write reached the disk (shown by /health; false answers POST /usage 503). */
  public CostStore.Health storeHealth() {
    return store.health();
  }

  /** Transactions the usage writer has committed (each one fsync), for tests and benchmarks. */
  public long groupsWritten() {
    return store.groupsWritten();
  }

  /** True when the usage store's last write reached the disk. */
  public boolean storeHealthy() {
    return store.health().ok();
  }

  /**
   * Checks every field of {@code u} (and its computed cost) and prices it.
   *
   * @param at field-name prefix for messages ("" or "[i].")
   * @param backfill allow events older than a day
   * @throws UsageRejected naming the bad field
   */
  public PricedUsage price(LlmUsage u, String at, boolean backfill) {
    UsageRules.check(u, at, clock.instant(), backfill);
    Optional<BigDecimal> cost = book.cost(u);
    cost.ifPresent(c -> UsageRules.checkCost(c, at));
    return new PricedUsage(u, cost);
  }

  /** Validates, prices, stores durably and counts one LLM call (from the gateway). Thread-safe. */
  @Override
  public void record(LlmUsage u) {
    recordAll(List.of(u), false);
  }

  /**
   * Validates every event first (all or nothing), then stores them durably in one group and counts them.
   *
   * @throws UsageRejected when any event is invalid (nothing is stored)
   * @throws StoreUnavailable when the events could not be made durable (nothing is acknowledged)
   */
  public void recordAll(List<LlmUsage> events, boolean backfill) {
    List<PricedUsage> priced = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      priced.add(price(events.get(i), events.size() == 1 ? "" : "[" + i + "].", backfill));
    }
    store(priced, Optional.empty());
  }

  /** Stores already validated events, and a tailer's offset in the same transaction; waits until durable. */
  public void store(List<PricedUsage> priced, Optional<CostStore.LogOffset> offset) {
    if (priced.isEmpty() && offset.isEmpty()) {
      return;
    }
    await(store.append(priced, offset));
    for (PricedUsage p : priced) {
      // Once per model, not per event: a flood of unpriced events must not flood the log.
      if (p.cost().isEmpty() && unpricedSeen.size() < 1_000
          && unpricedSeen.add(p.usage().provider() + "|" + p.usage().model())) {
        LOG.warn("Model '{}' ({}) is not in the price book: counted as unpriced, not $0",
            LogSafe.clean(p.usage().model()), LogSafe.clean(p.usage().provider()));
      }
    }
  }

  /** Where a tailer stopped in {@code path}. */
  public long logOffset(String path) {
    return store.logOffset(path);
  }

  private static void await(java.util.concurrent.CompletableFuture<Void> f) {
    try {
      f.get(DURABLE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StoreUnavailable s) {
        throw s;
      }
      throw new StoreUnavailable("Usage not stored: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new StoreUnavailable("Usage not stored within " + DURABLE_WAIT.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailable("Interrupted while storing usage", e);
    }
  }

  /** Computes, publishes and (once a minute) stores a snapshot. */
  public CostSnapshot tick() {
    Instant now = clock.instant();
    LocalDate today = LocalDate.ofInstant(now, zone);
    if (!today.equals(totals.day())) {
      rollOver(today);
    }
    VmPart vm = vmCosts(now, today); // price lookups may do I/O: no lock is held here
    CostSnapshot s = compute(now, totals.view(now), vm);
    latest = s;
    for (Consumer<CostSnapshot> sub : subscribers) {
      try {
        sub.accept(s);
      } catch (RuntimeException e) {
        LOG.warn("Cost subscriber failed: {}", LogSafe.clean(e));
      }
    }
    budgets.check(Budgets.Period.DAILY, today.toString(), s.daily());
    budgets.check(Budgets.Period.MONTHLY, YearMonth.from(today).toString(), s.monthly());
    storeMinute(s);
    return s;
  }

  // The reload runs on the writer so no event is counted twice or missed around it.
  private void rollOver(LocalDate day) {
    try {
      store.onWriter(() -> reload(day)).get(DURABLE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("Cost rollover to {} failed: {}", day, LogSafe.clean(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void reload(LocalDate day) {
    List<UsageTotals.Line> dayLines = store.totalsSince(day.atStartOfDay(zone).toInstant());
    List<UsageTotals.Line> monthLines = store.totalsSince(YearMonth.from(day).atDay(1).atStartOfDay(zone).toInstant());
    totals.reset(day, dayLines, monthLines);
  }

  /** The VMs' costs, priced; computed without any lock (a price lookup may do I/O). */
  private record VmPart(List<CostSnapshot.VmCost> rows, BigDecimal today, BigDecimal month, BigDecimal perHour,
      List<Nowcast.VmEstimate> estimates) {}

  private VmPart vmCosts(Instant now, LocalDate day) {
    Instant dayStart = day.atStartOfDay(zone).toInstant();
    Instant monthStart = YearMonth.from(day).atDay(1).atStartOfDay(zone).toInstant();
    List<CostSnapshot.VmCost> rows = new ArrayList<>();
    BigDecimal today = BigDecimal.ZERO;
    BigDecimal month = BigDecimal.ZERO;
    BigDecimal running = BigDecimal.ZERO;
    List<Nowcast.VmEstimate> estimates = new ArrayList<>();
    for (VmRuntime vm : vms.get()) {
      Optional<BigDecimal> perHour = prices.hourlyPrice(vm.machineType(), region).map(VmPrice::perHour);
      Instant end = vm.end().orElse(now);
      BigDecimal rate = perHour.orElse(BigDecimal.ZERO);
      rows.add(new CostSnapshot.VmCost(vm.name(), vm.machineType(), rate, accrued(rate, vm.start(), end),
          vm.end().isEmpty(), perHour.isPresent()));
      estimates.add(new Nowcast.VmEstimate(vm.name(), vm.start(), end, rate));
      today = today.add(accrued(rate, later(vm.start(), dayStart), end));
      month = month.add(accrued(rate, later(vm.start(), monthStart), end));
      if (vm.end().isEmpty()) {
        running = running.add(rate);
      }
    }
    return new VmPart(rows, today, month, running, estimates);
  }

  private CostSnapshot compute(Instant now, UsageTotals.View view, VmPart vm) {
    Instant monthStart = view.month().atDay(1).atStartOfDay(zone).toInstant();
    BigDecimal llmToday = sum(view.today());
    BigDecimal llmMonth = sum(view.monthLines());
    long unpriced = view.today().stream().mapToLong(UsageTotals.Line::unpriced).reduce(0, UsageTotals::sat);
    BigDecimal gcpToday = vm.today();
    BigDecimal gcpMonth = vm.month();
    BigDecimal runningPerHour = vm.perHour();
    List<CostSnapshot.VmCost> vmCosts = vm.rows();
    GcpBilled billed = billing.at(now, vm.estimates());
    if (billed.nowcast() != null) { // billed actuals up to the watermark + the estimate since, each VM hour once
      gcpToday = billed.nowcast().today();
      gcpMonth = billed.nowcast().monthToDate();
    }
    BigDecimal burn = view.burnPerHour().add(runningPerHour);
    BigDecimal totalToday = llmToday.add(gcpToday);
    BigDecimal totalMonth = llmMonth.add(gcpMonth);
    double elapsedDays = Math.max(1.0 / 24, Duration.between(monthStart, now).toMinutes() / 1440.0);
    BigDecimal forecast = totalMonth.multiply(BigDecimal.valueOf(view.month().lengthOfMonth() / elapsedDays),
        MathContext.DECIMAL64);
    List<CostSnapshot.ModelCost> models = view.today().stream()
        .map(t -> new CostSnapshot.ModelCost(t.provider(), t.model(), t.calls(), t.input(), t.cached(), t.output(),
            t.reasoning(), money(t.cost()), t.unpriced()))
        .sorted(Comparator.comparing(CostSnapshot.ModelCost::cost).reversed()).toList();
    return new CostSnapshot(now, money(llmToday), money(llmMonth), money(gcpToday), money(gcpMonth),
        money(totalToday), money(totalMonth), money(burn), money(forecast),
        budget(settings.dailyBudgetUsd(), totalToday), budget(settings.monthlyBudgetUsd(), totalMonth), models,
        vmCosts, unpriced, billed);
  }

  static CostSnapshot.Budget budget(BigDecimal limit, BigDecimal spent) {
    return Budgets.budget(limit, spent);
  }

  private void storeMinute(CostSnapshot s) {
    long minute = s.time().toEpochMilli() / 60_000;
    if (minute == lastStoredMinute) {
      return;
    }
    lastStoredMinute = minute;
    try {
      store.storeMinute(s);
    } catch (RuntimeException e) {
      LOG.warn("Storing the cost minute failed: {}", LogSafe.clean(e));
    }
  }

  /** Prunes old rows and compacts the file so it stays bounded. */
  void maintain() {
    int pruned = store.prune(clock.instant());
    long before = db.fileSize();
    db.compact();
    LOG.debug("Store maintenance: {} old rows pruned, file {} -> {} bytes", pruned, before, db.fileSize());
  }

  private static BigDecimal sum(List<UsageTotals.Line> lines) {
    return lines.stream().map(UsageTotals.Line::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  private static BigDecimal accrued(BigDecimal perHour, Instant from, Instant to) {
    if (!to.isAfter(from)) {
      return BigDecimal.ZERO;
    }
    return perHour.multiply(BigDecimal.valueOf(Duration.between(from, to).toMillis()))
        .divide(HOUR_SECONDS.multiply(BigDecimal.valueOf(1000)), 10, RoundingMode.HALF_UP);
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  static BigDecimal money(BigDecimal v) {
    return v.setScale(6, RoundingMode.HALF_UP);
  }

  /** Stops ticking, then writes what is queued and stops the writer. */
  @Override
  public void close() {
    if (ticker != null) {
      ticker.cancel();
    }
    if (fileCheck != null) {
      fileCheck.cancel();
    }
    if (maintenance != null) {
      maintenance.cancel();
    }
    store.close();
  }
}
