package dev.headroom.ui.cost;

import dev.headroom.cost.CostEngine;
import dev.headroom.cost.CostSnapshot;
import io.fair_acc.dataset.spi.DoubleDataSet;
import java.math.BigDecimal;
import java.math.RoundingMode;
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

  public CostViewModel(CostEngine engine, Executor fx) {
    this.engine = engine;
    this.fx = fx;
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
    split.set("LLM " + usd(s.llmToday()) + " · GCP " + usd(s.gcpToday()) + " (estimate: catalog price x uptime)"
        + (s.unpricedCallsToday() > 0 ? " · " + s.unpricedCallsToday() + " unpriced call(s)" : ""));
    dailyText.set("Daily budget: " + usd(s.daily().spent()) + " of " + usd(s.daily().limit()) + " ("
        + s.daily().percent() + " %)");
    monthlyText.set("Monthly budget: " + usd(s.monthly().spent()) + " of " + usd(s.monthly().limit()) + " ("
        + s.monthly().percent() + " %)");
    dailyLevel.set(s.daily().level());
    monthlyLevel.set(s.monthly().level());
    dailyFraction.set(Math.min(1, s.daily().percent().doubleValue() / 100));
    monthlyFraction.set(Math.min(1, s.monthly().percent().doubleValue() / 100));
    models.setAll(s.models());
    vms.setAll(s.vms());
  }

  static String usd(BigDecimal v) {
    return "$" + v.setScale(v.abs().compareTo(BigDecimal.ONE) < 0 ? 4 : 2, RoundingMode.HALF_UP).toPlainString();
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
