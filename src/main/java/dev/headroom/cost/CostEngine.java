package dev.headroom.cost;

import dev.headroom.billing.BilledView;
import dev.headroom.billing.GcpBilled;
import dev.headroom.billing.Nowcast;
import dev.headroom.config.CostSettings;
import dev.headroom.core.Tasks;
import dev.headroom.store.Database;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The unified cost view: LLM usage (priced from the {@link PriceBook}) plus GCP VM runtime (priced by the
 * {@link PriceService}), recomputed every {@link #TICK} into a {@link CostSnapshot} for subscribers (the UI, the SSE
 * stream) and stored once a minute. Aggregation is incremental: each usage event updates running totals; the
 * usage table is read once, at start (one aggregate query per window), never per tick.
 *
 * <pre>{@code
 * CostEngine cost = new CostEngine(db, book, prices, "us-central1", settings.cost(), vms, clock, zone, tasks, alerts);
 * cost.start();
 * cost.subscribe(snapshot -> ui.show(snapshot));
 * cost.record(usage);   // from the gateway
 * }</pre>
 */
public final class CostEngine implements UsageSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CostEngine.class);
  public static final Duration TICK = Duration.ofSeconds(2);
  private static final Duration BURN_WINDOW = Duration.ofMinutes(10);
  private static final BigDecimal HOUR_SECONDS = BigDecimal.valueOf(3600);
  private static final int[] THRESHOLDS = {50, 90, 100};

  private final Database db;
  private final PriceBook book;
  private final PriceService prices;
  private final String region;
  private final CostSettings settings;
  private final Supplier<List<VmRuntime>> vms;
  private final Clock clock;
  private final ZoneId zone;
  private final Tasks tasks;
  private final BudgetAlerts alerts;
  private final List<Consumer<CostSnapshot>> subscribers = new CopyOnWriteArrayList<>();
  private final Map<String, Totals> today = new LinkedHashMap<>();
  private final Map<String, Totals> month = new LinkedHashMap<>();
  private final ArrayDeque<Object[]> recentCosts = new ArrayDeque<>(); // {Instant, BigDecimal}
  private final Set<String> firedAlerts = new HashSet<>();
  private LocalDate day;
  private YearMonth yearMonth;
  private long lastStoredMinute = -1;
  private volatile CostSnapshot latest;
  private volatile BilledView billing = BilledView.NOT_CONFIGURED;
  private Tasks.Handle ticker;

  /** Running LLM totals of one provider/model. */
  private static final class Totals {
    final String provider;
    final String model;
    long calls;
    long input;
    long cached;
    long output;
    long reasoning;
    long unpriced;
    BigDecimal cost = BigDecimal.ZERO;

    Totals(String provider, String model) {
      this.provider = provider;
      this.model = model;
    }
  }

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
    this.alerts = alerts;
    load();
  }

  /** The real GCP bill joined into every snapshot (issue 13); it answers from memory, never blocking the tick. */
  public void useBilling(BilledView view) {
    this.billing = view;
  }

  /** Publishes a snapshot every two seconds until closed. */
  public void start() {
    ticker = tasks.every(TICK, this::tick);
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

  /** Validates, prices, stores and counts one LLM call. Thread-safe. */
  @Override
  public void record(LlmUsage u) {
    PriceBook.validate(u);
    Optional<BigDecimal> cost = book.cost(u);
    db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO llm_usage(ts, provider, model, input_tokens,"
          + " cached_tokens, output_tokens, reasoning_tokens, route, cost, cache_write_tokens, cache_write_1h_tokens)"
          + " VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
        ps.setLong(1, u.time().toEpochMilli());
        ps.setString(2, u.provider());
        ps.setString(3, u.model());
        ps.setLong(4, u.inputTokens());
        ps.setLong(5, u.cachedInputTokens());
        ps.setLong(6, u.outputTokens());
        ps.setLong(7, u.reasoningTokens());
        ps.setString(8, u.route());
        ps.setBigDecimal(9, cost.orElse(null));
        ps.setLong(10, u.cacheWriteTokens());
        ps.setLong(11, u.cacheWrite1hTokens());
        return ps.executeUpdate();
      }
    });
    synchronized (this) {
      rollOver(clock.instant());
      LocalDate when = LocalDate.ofInstant(u.time(), zone);
      if (YearMonth.from(when).equals(yearMonth)) {
        add(month, u, cost);
        if (when.equals(day)) {
          add(today, u, cost);
        }
      }
      cost.ifPresent(v -> recentCosts.addLast(new Object[] {u.time(), v}));
    }
    if (cost.isEmpty()) {
      LOG.warn("Model '{}' ({}) is not in the price book: counted as unpriced, not $0", u.model(), u.provider());
    }
  }

  private static void add(Map<String, Totals> into, LlmUsage u, Optional<BigDecimal> cost) {
    Totals t = into.computeIfAbsent(u.provider() + "|" + u.model(), k -> new Totals(u.provider(), u.model()));
    t.calls++;
    t.input += u.inputTokens();
    t.cached += u.cachedInputTokens();
    t.output += u.outputTokens();
    t.reasoning += u.reasoningTokens();
    if (cost.isPresent()) {
      t.cost = t.cost.add(cost.get());
    } else {
      t.unpriced++;
    }
  }

  /** Computes, publishes and (once a minute) stores a snapshot. */
  public CostSnapshot tick() {
    Instant now = clock.instant();
    CostSnapshot s;
    synchronized (this) {
      rollOver(now);
      s = compute(now);
    }
    latest = s;
    for (Consumer<CostSnapshot> sub : subscribers) {
      try {
        sub.accept(s);
      } catch (RuntimeException e) {
        LOG.warn("Cost subscriber failed: {}", e.toString());
      }
    }
    fireAlerts(s);
    storeMinute(s);
    return s;
  }

  private CostSnapshot compute(Instant now) {
    Instant dayStart = day.atStartOfDay(zone).toInstant();
    Instant monthStart = yearMonth.atDay(1).atStartOfDay(zone).toInstant();
    BigDecimal llmToday = sum(today);
    BigDecimal llmMonth = sum(month);
    long unpriced = today.values().stream().mapToLong(t -> t.unpriced).sum();

    BigDecimal gcpToday = BigDecimal.ZERO;
    BigDecimal gcpMonth = BigDecimal.ZERO;
    BigDecimal runningPerHour = BigDecimal.ZERO;
    List<CostSnapshot.VmCost> vmCosts = new ArrayList<>();
    List<Nowcast.VmEstimate> estimates = new ArrayList<>();
    for (VmRuntime vm : vms.get()) {
      Optional<BigDecimal> perHour = prices.hourlyPrice(vm.machineType(), region).map(VmPrice::perHour);
      Instant end = vm.end().orElse(now);
      boolean running = vm.end().isEmpty();
      BigDecimal rate = perHour.orElse(BigDecimal.ZERO);
      vmCosts.add(new CostSnapshot.VmCost(vm.name(), vm.machineType(), rate, accrued(rate, vm.start(), end),
          running, perHour.isPresent()));
      estimates.add(new Nowcast.VmEstimate(vm.name(), vm.start(), end, rate));
      gcpToday = gcpToday.add(accrued(rate, later(vm.start(), dayStart), end));
      gcpMonth = gcpMonth.add(accrued(rate, later(vm.start(), monthStart), end));
      if (running) {
        runningPerHour = runningPerHour.add(rate);
      }
    }
    GcpBilled billed = billing.at(now, estimates);
    if (billed.nowcast() != null) { // billed actuals up to the watermark + the estimate since, each VM hour once
      gcpToday = billed.nowcast().today();
      gcpMonth = billed.nowcast().monthToDate();
    }
    while (!recentCosts.isEmpty() && ((Instant) recentCosts.peekFirst()[0]).isBefore(now.minus(BURN_WINDOW))) {
      recentCosts.removeFirst();
    }
    BigDecimal recentLlm = recentCosts.stream().map(o -> (BigDecimal) o[1]).reduce(BigDecimal.ZERO, BigDecimal::add);
    BigDecimal burn = recentLlm.multiply(BigDecimal.valueOf(Duration.ofHours(1).toMinutes() / BURN_WINDOW.toMinutes()))
        .add(runningPerHour);
    BigDecimal totalToday = llmToday.add(gcpToday);
    BigDecimal totalMonth = llmMonth.add(gcpMonth);
    double elapsedDays = Math.max(1.0 / 24, Duration.between(monthStart, now).toMinutes() / 1440.0);
    BigDecimal forecast = totalMonth.multiply(BigDecimal.valueOf(yearMonth.lengthOfMonth() / elapsedDays),
        MathContext.DECIMAL64);
    List<CostSnapshot.ModelCost> models = today.values().stream()
        .map(t -> new CostSnapshot.ModelCost(t.provider, t.model, t.calls, t.input, t.cached, t.output, t.reasoning,
            money(t.cost), t.unpriced))
        .sorted(Comparator.comparing(CostSnapshot.ModelCost::cost).reversed()).toList();
    return new CostSnapshot(now, money(llmToday), money(llmMonth), money(gcpToday), money(gcpMonth),
        money(totalToday), money(totalMonth), money(burn), money(forecast),
        budget(settings.dailyBudgetUsd(), totalToday), budget(settings.monthlyBudgetUsd(), totalMonth), models,
        vmCosts, unpriced, billed);
  }

  static CostSnapshot.Budget budget(BigDecimal limit, BigDecimal spent) {
    BigDecimal percent = limit.signum() == 0 ? BigDecimal.ZERO
        : spent.multiply(BigDecimal.valueOf(100)).divide(limit, 1, RoundingMode.HALF_UP);
    String level = percent.compareTo(BigDecimal.valueOf(100)) >= 0 ? "OVER"
        : percent.compareTo(BigDecimal.valueOf(90)) >= 0 ? "WARN_90"
        : percent.compareTo(BigDecimal.valueOf(50)) >= 0 ? "WARN_50" : "OK";
    if (limit.signum() == 0) {
      level = "OK";
    }
    return new CostSnapshot.Budget(limit.setScale(2, RoundingMode.HALF_UP), money(spent), percent, level);
  }

  private void fireAlerts(CostSnapshot s) {
    check("daily", day.toString(), s.daily());
    check("monthly", yearMonth.toString(), s.monthly());
  }

  private void check(String period, String key, CostSnapshot.Budget b) {
    if (b.limit().signum() == 0) {
      return;
    }
    for (int t : THRESHOLDS) {
      if (b.percent().compareTo(BigDecimal.valueOf(t)) >= 0) {
        boolean first;
        synchronized (this) {
          first = firedAlerts.add(period + ":" + key + ":" + t);
        }
        if (first) {
          LOG.info("Budget alert: {} budget at {} % ({} of {})", period, t, b.spent(), b.limit());
          alerts.crossed(period, t, b);
        }
      }
    }
  }

  private void storeMinute(CostSnapshot s) {
    long minute = s.time().toEpochMilli() / 60_000;
    if (minute == lastStoredMinute) {
      return;
    }
    lastStoredMinute = minute;
    db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement("MERGE INTO cost_minute(ts, llm_today, gcp_today, month_total,"
          + " burn_per_hour) KEY(ts) VALUES (?,?,?,?,?)")) {
        ps.setLong(1, minute * 60_000);
        ps.setBigDecimal(2, s.llmToday());
        ps.setBigDecimal(3, s.gcpToday());
        ps.setBigDecimal(4, s.totalMonth());
        ps.setBigDecimal(5, s.burnRatePerHour());
        return ps.executeUpdate();
      }
    });
  }

  // New day or month by the injected clock: reset the windows that ended.
  private void rollOver(Instant now) {
    LocalDate d = LocalDate.ofInstant(now, zone);
    if (d.equals(day)) {
      return;
    }
    day = d;
    today.clear();
    YearMonth ym = YearMonth.from(d);
    if (!ym.equals(yearMonth)) {
      yearMonth = ym;
      month.clear();
      loadWindow(month, ym.atDay(1).atStartOfDay(zone).toInstant());
    }
    loadWindow(today, d.atStartOfDay(zone).toInstant());
  }

  private synchronized void load() {
    rollOver(clock.instant());
  }

  // One aggregate query per window, at start and at rollover only.
  private void loadWindow(Map<String, Totals> into, Instant from) {
    db.withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT provider, model, COUNT(*), SUM(input_tokens),"
          + " SUM(cached_tokens), SUM(output_tokens), SUM(reasoning_tokens), SUM(cost),"
          + " SUM(CASE WHEN cost IS NULL THEN 1 ELSE 0 END) FROM llm_usage WHERE ts >= ? GROUP BY provider, model")) {
        ps.setLong(1, from.toEpochMilli());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Totals t = new Totals(rs.getString(1), rs.getString(2));
            t.calls = rs.getLong(3);
            t.input = rs.getLong(4);
            t.cached = rs.getLong(5);
            t.output = rs.getLong(6);
            t.reasoning = rs.getLong(7);
            BigDecimal cost = rs.getBigDecimal(8);
            t.cost = cost == null ? BigDecimal.ZERO : cost;
            t.unpriced = rs.getLong(9);
            into.put(t.provider + "|" + t.model, t);
          }
        }
      }
      return null;
    });
  }

  private static BigDecimal sum(Map<String, Totals> m) {
    return m.values().stream().map(t -> t.cost).reduce(BigDecimal.ZERO, BigDecimal::add);
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

  @Override
  public void close() {
    if (ticker != null) {
      ticker.cancel();
    }
  }
}
