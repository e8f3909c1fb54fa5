package dev.headroom.ui.cost;

import dev.headroom.billing.BilledSummary;
import dev.headroom.billing.GcpBilled;
import dev.headroom.billing.IdleVm;
import dev.headroom.ui.Format;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The "GCP bill" part of the Costs tab (issue 13): billed vs estimated, by service, projects, the account's budgets,
 * spikes and idle VMs, from the {@link GcpBilled} of each snapshot. Call {@link #apply} on the FX thread; lists are
 * replaced only when their content changes. Holds no Nodes; tested with plain JUnit.
 */
public final class GcpBillViewModel {
  /** One bar of the by-service chart: {@code fraction} of the largest service. */
  public record ServiceBar(String service, String amount, double fraction) {}

  static final int SERVICE_BARS = 6;
  private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

  private final ZoneId zone;
  private final StringProperty billed = new SimpleStringProperty("GCP bill: —");
  private final StringProperty freshness = new SimpleStringProperty("");
  private final StringProperty nowcast = new SimpleStringProperty("");
  private final StringProperty problems = new SimpleStringProperty("");
  private final BooleanProperty hasProblems = new SimpleBooleanProperty();
  private final ObservableList<ServiceBar> services = FXCollections.observableArrayList();
  private final ObservableList<BilledSummary.ProjectCost> projects = FXCollections.observableArrayList();
  private final ObservableList<GcpBilled.BudgetView> budgets = FXCollections.observableArrayList();
  private final ObservableList<IdleVm> idleVms = FXCollections.observableArrayList();
  private final ObservableList<String> spikes = FXCollections.observableArrayList();
  // One read-only wrapper each, kept: a wrapper made per call holds its listeners weakly and can be collected.
  private final ObservableList<ServiceBar> servicesView = FXCollections.unmodifiableObservableList(services);
  private final ObservableList<BilledSummary.ProjectCost> projectsView =
      FXCollections.unmodifiableObservableList(projects);
  private final ObservableList<GcpBilled.BudgetView> budgetsView = FXCollections.unmodifiableObservableList(budgets);
  private final ObservableList<IdleVm> idleVmsView = FXCollections.unmodifiableObservableList(idleVms);
  private final ObservableList<String> spikesView = FXCollections.unmodifiableObservableList(spikes);

  public GcpBillViewModel(ZoneId zone) {
    this.zone = zone;
  }

  /** Shows {@code b} (on the FX thread). */
  public void apply(GcpBilled b) {
    if (b == null) {
      return;
    }
    Format f = Format.DEFAULT;
    if (b.monthToDate() == null) {
      billed.set(b.configured() ? "GCP bill: reading the billing export…" : "GCP bill: the billing export is not"
          + " configured; GCP figures are estimates of Headroom's own VMs.");
      freshness.set("");
      nowcast.set("");
    } else {
      String original = "USD".equals(b.originalCurrency()) ? "" : " (" + b.originalMonthToDate().setScale(2,
          RoundingMode.HALF_UP).toPlainString() + " " + b.originalCurrency() + " at the export's rates)";
      billed.set("GCP billed: today " + f.money(b.today()) + " · month to date " + f.money(b.monthToDate())
          + original + ", net of credits");
      freshness.set("Billed until " + time(b.asOf()) + " (export lag) · read " + age(b.ageMinutes()));
      GcpBilled.NowcastView n = b.nowcast();
      nowcast.set(n.estimatedSince() == null
          ? "GCP now: today " + f.money(n.today()) + " = billed (no Headroom VM time since)"
          : "GCP now: today " + f.money(n.today()) + " = billed + " + f.money(n.estimateToday())
              + " estimated since " + time(n.estimatedSince()) + " for Headroom's VMs");
    }
    String text = String.join("\n", b.errors().stream().map(p -> "⚠ " + p.message()).toList());
    problems.set(text);
    hasProblems.set(!text.isEmpty());
    BigDecimal max = b.byService().stream().map(BilledSummary.ServiceCost::monthToDate).max(BigDecimal::compareTo)
        .filter(m -> m.signum() > 0).orElse(BigDecimal.ONE);
    replace(services, b.byService().stream().limit(SERVICE_BARS).map(s -> new ServiceBar(s.service(),
        f.money(s.monthToDate()), Math.max(0, s.monthToDate().doubleValue() / max.doubleValue()))).toList());
    replace(projects, b.byProject());
    replace(budgets, b.budgets());
    replace(idleVms, b.idleVms());
    replace(spikes, b.spikes().stream().map(s -> "Spike: " + s.message()).toList());
  }

  private String time(Instant t) {
    return HH_MM.withZone(zone).format(t);
  }

  private static String age(Long minutes) {
    if (minutes == null) {
      return "";
    }
    return minutes < 1 ? "just now" : minutes < 120 ? minutes + " min ago" : (minutes / 60) + " h ago";
  }

  private static <T> void replace(ObservableList<T> list, List<T> items) {
    if (!Objects.equals(list, items)) {
      list.setAll(items);
    }
  }

  /** A budget's thresholds as "50 / 90 / 100 %". */
  public static String thresholds(GcpBilled.BudgetView b) {
    return b.thresholdPercents().isEmpty() ? "—" : String.join(" / ",
        b.thresholdPercents().stream().map(BigDecimal::toPlainString).toList()) + " %";
  }

  public ReadOnlyStringProperty billedProperty() {
    return billed;
  }

  public ReadOnlyStringProperty freshnessProperty() {
    return freshness;
  }

  public ReadOnlyStringProperty nowcastProperty() {
    return nowcast;
  }

  public ReadOnlyStringProperty problemsProperty() {
    return problems;
  }

  public ReadOnlyBooleanProperty hasProblemsProperty() {
    return hasProblems;
  }

  public ObservableList<ServiceBar> services() {
    return servicesView;
  }

  public ObservableList<BilledSummary.ProjectCost> projects() {
    return projectsView;
  }

  public ObservableList<GcpBilled.BudgetView> budgets() {
    return budgetsView;
  }

  public ObservableList<IdleVm> idleVms() {
    return idleVmsView;
  }

  public ObservableList<String> spikes() {
    return spikesView;
  }
}
