package dev.headroom.ui.cost;

import dev.headroom.cost.CostEngine;
import dev.headroom.cost.CostCsv;
import dev.headroom.cost.CostHistory;
import dev.headroom.cost.CostSnapshot;
import dev.headroom.core.AppException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import io.fair_acc.dataset.spi.DoubleDataSet;
import java.math.BigDecimal;
import java.math.RoundingMode;
import dev.headroom.ui.Format;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The cost tab's state, following the engine's 2 s snapshots. The chart data set is written on the engine's
 * thread (never the FX thread, see DESIGN.md 6); labels and tables go through {@code fx}, at most one update
 * queued. Holds no Nodes.
 */
public final class CostViewModel {
  private final CostEngine engine;
  private final Executor fx;
  private final StringProperty today = new SimpleStringProperty("—");
  private final StringProperty month = new SimpleStringProperty("—");
  private final StringProperty burn = new SimpleStringProperty("—");
  private final StringProperty forecast = new SimpleStringProperty("—");
  private final StringProperty forecastNote = new SimpleStringProperty("");
  private final StringProperty split = new SimpleStringProperty("");
  private final StringProperty priceBook = new SimpleStringProperty("");
  private final GcpBillViewModel gcpBill = new GcpBillViewModel(ZoneId.systemDefault());
  private final StringProperty dailyText = new SimpleStringProperty("");
  private final StringProperty monthlyText = new SimpleStringProperty("");
  private final StringProperty dailyLevel = new SimpleStringProperty("OK");
  private final StringProperty monthlyLevel = new SimpleStringProperty("OK");
  private final DoubleProperty dailyFraction = new SimpleDoubleProperty();
  private final DoubleProperty monthlyFraction = new SimpleDoubleProperty();
  private final ObservableList<CostSnapshot.ModelCost> models = FXCollections.observableArrayList();
  private final ObservableList<CostSnapshot.VmCost> vms = FXCollections.observableArrayList();
  private final DoubleDataSet todaySeries = new DoubleDataSet("Spend today ($)", 1024);
  private final AtomicReference<CostSnapshot> queued = new AtomicReference<>();
  private Runnable unsubscribe = () -> {};

  private final ZoneId zone;
  private final Optional<CostHistory> history;
  private final Executor background;
  private final DoubleDataSet daySeries = new DoubleDataSet("Spend per day ($)", 32);
  private final ObjectProperty<CostRange> range = new SimpleObjectProperty<>(CostRange.TODAY);
  private final DoubleProperty axisMax = new SimpleDoubleProperty(MIN_AXIS);
  private final StringProperty message = new SimpleStringProperty("");
  private volatile CostRange shown = CostRange.TODAY;
  private volatile double seriesMax;

  /** The money axis never shows less than this: a few hundredths of a cent must not look like a spike. */
  static final double MIN_AXIS = 0.05;

  public CostViewModel(CostEngine engine, Executor fx) {
    this(engine, fx, ZoneId.systemDefault(), Optional.empty(), Runnable::run);
  }

  /**
   * @param history stored snapshots for the chart's ranges and CSV export
   * @param background runs history reads and exports (never the FX thread)
   */
  public CostViewModel(CostEngine engine, Executor fx, ZoneId zone, Optional<CostHistory> history,
      Executor background) {
    this.engine = engine;
    this.fx = fx;
    this.zone = zone;
    this.history = history;
    this.background = background;
  }

  /** Shows {@code r} in the chart: stored snapshots are read in the background and the data sets rewritten there. */
  public void selectRange(CostRange r) {
    range.set(r);
    background.execute(() -> load(r, engine.latest()));
  }

  // Background thread: reads the store, writes the data sets under their locks (never on the FX thread).
  void load(CostRange r, CostSnapshot latest) {
    shown = r;
    Instant now = latest.time();
    Instant from = r.from(now, zone);
    double max;
    if (r.perDay()) {
      List<CostHistory.Day> days = history.map(h -> h.days(from, now)).orElse(List.of());
      Map<java.time.LocalDate, Double> totals = new java.util.TreeMap<>();
      days.forEach(d -> totals.put(d.date(), d.total().doubleValue()));
      totals.put(now.atZone(zone).toLocalDate(), latest.totalToday().doubleValue()); // today, live
      double[] xs = new double[totals.size()];
      double[] ys = new double[totals.size()];
      int i = 0;
      for (Map.Entry<java.time.LocalDate, Double> e : totals.entrySet()) {
        xs[i] = e.getKey().atTime(12, 0).atZone(zone).toEpochSecond();
        ys[i++] = e.getValue();
      }
      daySeries.lock().writeLockGuard(() -> daySeries.set(xs, ys, xs.length, true));
      todaySeries.lock().writeLockGuard(todaySeries::clearData);
      max = java.util.Arrays.stream(ys).max().orElse(0);
    } else {
      List<CostHistory.Point> points = history.map(h -> h.points(from, now)).orElse(List.of());
      int n = points.size() + 1;
      double[] xs = new double[n];
      double[] ys = new double[n];
      for (int i = 0; i < points.size(); i++) {
        xs[i] = points.get(i).time().toEpochMilli() / 1000.0;
        ys[i] = points.get(i).total().doubleValue();
      }
      xs[n - 1] = now.toEpochMilli() / 1000.0;
      ys[n - 1] = latest.totalToday().doubleValue();
      todaySeries.lock().writeLockGuard(() -> todaySeries.set(xs, ys, n, true));
      daySeries.lock().writeLockGuard(daySeries::clearData);
      max = java.util.Arrays.stream(ys).max().orElse(0);
    }
    seriesMax = max;
    double axis = axisFor(max);
    fx.execute(() -> axisMax.set(axis));
  }

  /** The money axis top: 0 to a round figure above the data, at least {@link #MIN_AXIS}. */
  static double axisFor(double max) {
    double want = Math.max(MIN_AXIS, max * 1.15);
    double magnitude = Math.pow(10, Math.floor(Math.log10(want)));
    for (double step : new double[] {1, 2, 2.5, 5, 10}) {
      if (step * magnitude >= want) {
        return step * magnitude;
      }
    }
    return 10 * magnitude;
  }

  /** Writes the range's cost per day, per model and per VM as CSV files into {@code dir}, in the background. */
  public void exportCsv(Path dir) {
    CostRange r = range.get();
    background.execute(() -> {
      String text;
      try {
        Instant now = engine.latest().time();
        List<Path> files = CostCsv.export(history.orElseThrow(() -> new AppException("No stored history")),
            r.from(now, zone), now, engine::hourlyPrice, dir);
        text = "Wrote " + files.size() + " CSV files (" + r + ") to " + dir;
      } catch (AppException e) {
        text = e.userMessage();
      }
      String shownText = text;
      fx.execute(() -> message.set(shownText));
    });
  }

  public void activate() {
    unsubscribe = engine.subscribe(this::onSnapshot);
    if (history.isPresent()) {
      selectRange(range.get());
    }
  }

  public void deactivate() {
    unsubscribe.run();
  }

  /** Takes a snapshot from any thread. */
  public void onSnapshot(CostSnapshot s) {
    double x = s.time().toEpochMilli() / 1000.0;
    double y = s.totalToday().doubleValue();
    if (shown == CostRange.TODAY) {
      todaySeries.lock().writeLockGuard(() -> {
        todaySeries.add(x, y);
        if (todaySeries.getDataCount() > 43_200) { // a day at 2 s
          todaySeries.remove(0, todaySeries.getDataCount() - 43_200);
        }
      });
    } else {
      daySeries.lock().writeLockGuard(() -> { // today's bar follows the live figure
        int last = daySeries.getDataCount() - 1;
        if (last >= 0) {
          daySeries.set(last, daySeries.get(0, last), y);
        }
      });
    }
    if (y > seriesMax) {
      seriesMax = y;
      double axis = axisFor(y);
      fx.execute(() -> axisMax.set(axis));
    }
    if (queued.getAndSet(s) == null) {
      fx.execute(() -> apply(queued.getAndSet(null)));
    }
  }

  private void apply(CostSnapshot s) {
    if (s == null) {
      return;
    }
    today.set(usd(s.totalToday()));
    month.set(usd(s.totalMonth()));
    burn.set(usd(s.burnRatePerHour()) + "/h");
    forecast.set(usd(s.monthForecast()));
    forecastNote.set("at this month's daily average; at the current burn rate: "
        + usd(atBurnRate(s, zone)));
    Format f = Format.DEFAULT;
    split.set("Today: LLM " + usd(s.llmToday()) + " · GCP " + usd(s.gcpToday()) + (s.gcpBilled() != null
        && s.gcpBilled().nowcast() != null ? " (billed + estimate since the export)" : " (estimate: catalog price ×"
        + " uptime)") + (s.unpricedCallsToday() > 0 ? " · " + f.count(s.unpricedCallsToday()) + " unpriced call(s)"
        : ""));
    priceBook.set(priceBookNote(engine.priceBookSource()));
    dailyText.set(budgetText("Daily budget", s.daily()));
    monthlyText.set(budgetText("Monthly budget", s.monthly()));
    dailyLevel.set(s.daily().level().name());
    monthlyLevel.set(s.monthly().level().name());
    dailyFraction.set(Math.min(1, s.daily().percent().doubleValue() / 100));
    monthlyFraction.set(Math.min(1, s.monthly().percent().doubleValue() / 100));
    models.setAll(unpricedFirst(s.models()));
    vms.setAll(s.vms());
    gcpBill.apply(s.gcpBilled());
  }

  /** The real GCP bill section (issue 13). */
  public GcpBillViewModel gcpBill() {
    return gcpBill;
  }

  static String budgetText(String title, CostSnapshot.Budget b) {
    if (b.limit().signum() == 0) {
      return title + ": none set (" + usd(b.spent()) + " spent)";
    }
    return title + ": " + usd(b.spent()) + " of " + usd(b.limit()) + " ("
        + Format.DEFAULT.decimals(b.percent(), 0, 1) + " %)";
  }

  static String usd(BigDecimal v) {
    return Format.DEFAULT.money(v);
  }

  /**
   * Month to date plus the burn rate carried to the end of the month: the forecast the burn rate implies, shown
   * beside the engine's forecast (daily average) so the two figures can be compared.
   */
  static BigDecimal atBurnRate(CostSnapshot s, ZoneId zone) {
    ZonedDateTime now = s.time().atZone(zone);
    ZonedDateTime monthEnd = now.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay(zone);
    BigDecimal hoursLeft = BigDecimal.valueOf(Duration.between(now, monthEnd).toSeconds())
        .divide(BigDecimal.valueOf(3600), 6, RoundingMode.HALF_UP);
    return s.totalMonth().add(s.burnRatePerHour().multiply(hoursLeft)).setScale(2, RoundingMode.HALF_UP);
  }

  /** What the burn rate is (tooltip and caption). */
  public static final String BURN_HELP = "LLM spend of the last 10 minutes × 6, plus the $/h of the Spot VMs running"
      + " now. It follows what is happening right now.";

  /** What the forecast is. */
  public static final String FORECAST_HELP = "Month to date ÷ days elapsed × days in the month: this month's"
      + " average pace, not the last minutes'. The caption shows the month end at the current burn rate instead.";

  /** Models with unpriced calls first (they need attention), then by cost. */
  static java.util.List<CostSnapshot.ModelCost> unpricedFirst(java.util.List<CostSnapshot.ModelCost> models) {
    return models.stream().sorted(java.util.Comparator
        .comparing((CostSnapshot.ModelCost m) -> m.unpriced() == 0)
        .thenComparing(CostSnapshot.ModelCost::cost, java.util.Comparator.reverseOrder())).toList();
  }

  /** "at this month's daily average; at the current burn rate: $12.34". */
  public ReadOnlyStringProperty forecastNoteProperty() {
    return forecastNote;
  }

  public DoubleDataSet daySeries() {
    return daySeries;
  }

  public ReadOnlyObjectProperty<CostRange> rangeProperty() {
    return range;
  }

  /** Top of the money axis (its bottom is 0). */
  public ReadOnlyDoubleProperty axisMaxProperty() {
    return axisMax;
  }

  /** The outcome of the last export. */
  public ReadOnlyStringProperty messageProperty() {
    return message;
  }

  public DoubleDataSet todaySeries() {
    return todaySeries;
  }

  public ReadOnlyStringProperty todayProperty() {
    return today;
  }

  public ReadOnlyStringProperty monthProperty() {
    return month;
  }

  public ReadOnlyStringProperty burnProperty() {
    return burn;
  }

  public ReadOnlyStringProperty forecastProperty() {
    return forecast;
  }

  public ReadOnlyStringProperty splitProperty() {
    return split;
  }

  /** Where the LLM prices come from and their date, e.g. "LLM prices as of 2026-04-23 (… sheet, commit 00035b6)". */
  public ReadOnlyStringProperty priceBookProperty() {
    return priceBook;
  }

  static String priceBookNote(java.util.Optional<dev.headroom.cost.PriceBook.Source> source) {
    return source.map(b -> "LLM prices as of " + (b.asOf().isBlank() ? "an unknown date" : b.asOf()) + " ("
        + b.sheet() + (b.commit().isBlank() ? "" : ", commit " + b.commit().substring(0, Math.min(7,
        b.commit().length()))) + ")").orElse("LLM prices: bundled book (undated)");
  }

  public ReadOnlyStringProperty dailyTextProperty() {
    return dailyText;
  }

  public ReadOnlyStringProperty monthlyTextProperty() {
    return monthlyText;
  }

  public ReadOnlyStringProperty dailyLevelProperty() {
    return dailyLevel;
  }

  public ReadOnlyStringProperty monthlyLevelProperty() {
    return monthlyLevel;
  }

  public ReadOnlyDoubleProperty dailyFractionProperty() {
    return dailyFraction;
  }

  public ReadOnlyDoubleProperty monthlyFractionProperty() {
    return monthlyFraction;
  }

  public ObservableList<CostSnapshot.ModelCost> models() {
    return FXCollections.unmodifiableObservableList(models);
  }

  public ObservableList<CostSnapshot.VmCost> vms() {
    return FXCollections.unmodifiableObservableList(vms);
  }
}
