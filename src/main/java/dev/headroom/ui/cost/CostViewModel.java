package dev.headroom.ui.cost;

import dev.headroom.cost.CostEngine;
import dev.headroom.cost.CostSnapshot;
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

  public CostViewModel(CostEngine engine, Executor fx) {
    this(engine, fx, ZoneId.systemDefault());
  }

  public CostViewModel(CostEngine engine, Executor fx, ZoneId zone) {
    this.engine = engine;
    this.fx = fx;
    this.zone = zone;
  }

  public void activate() {
    unsubscribe = engine.subscribe(this::onSnapshot);
  }

  public void deactivate() {
    unsubscribe.run();
  }

  /** Takes a snapshot from any thread. */
  public void onSnapshot(CostSnapshot s) {
    double x = s.time().toEpochMilli() / 1000.0;
    todaySeries.lock().writeLockGuard(() -> {
      todaySeries.add(x, s.totalToday().doubleValue());
      if (todaySeries.getDataCount() > 43_200) { // a day at 2 s
        todaySeries.remove(0, todaySeries.getDataCount() - 43_200);
      }
    });
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
    split.set("Today: LLM " + usd(s.llmToday()) + " · GCP " + usd(s.gcpToday()) + " (estimate: catalog price ×"
        + " uptime)" + (s.unpricedCallsToday() > 0 ? " · " + f.count(s.unpricedCallsToday()) + " unpriced call(s)"
        : ""));
    dailyText.set(budgetText("Daily budget", s.daily()));
    monthlyText.set(budgetText("Monthly budget", s.monthly()));
    dailyLevel.set(s.daily().level());
    monthlyLevel.set(s.monthly().level());
    dailyFraction.set(Math.min(1, s.daily().percent().doubleValue() / 100));
    monthlyFraction.set(Math.min(1, s.monthly().percent().doubleValue() / 100));
    models.setAll(unpricedFirst(s.models()));
    vms.setAll(s.vms());
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
