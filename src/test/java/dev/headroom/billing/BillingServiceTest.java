package dev.headroom.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.config.CostSettings;
import dev.headroom.config.GcpSettings;
import dev.headroom.config.SettingsLoader;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.MutableClock;
import dev.headroom.core.Tasks;
import dev.headroom.store.Database;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BillingServiceTest {
  @TempDir Path dir;
  private FakeBigQueryServer bigquery;
  private FakeBillingApisServer apis;
  private Database db;
  private Tasks tasks;
  private final MutableClock clock = new MutableClock(BillingFixture.NOW);
  private final List<BilledSummary.Spike> alerts = new ArrayList<>();
  private final List<BillingService> services = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    bigquery = new FakeBigQueryServer().table(BillingFixture.TABLE, BillingFixture.usdMonth());
    apis = new FakeBillingApisServer();
    db = Database.open(dir);
    tasks = ExecutorTasks.create("billing-test", 4);
  }

  @AfterEach
  void stop() {
    services.forEach(BillingService::close);
    tasks.close();
    db.close();
    bigquery.close();
    apis.close();
  }

  static GcpSettings gcp(String table, String bigqueryEndpoint, String apisEndpoint) {
    GcpSettings d = new SettingsLoader().defaults().gcp();
    return new GcpSettings("acme-dev", d.region(), d.zones(), d.machineType(), d.imageProject(), d.imageFamily(),
        d.diskSizeGb(), d.diskType(), d.maxRunDurationMinutes(), d.backendPort(), d.network(), "", apisEndpoint, 22,
        table, List.of(), 15, bigqueryEndpoint, apisEndpoint, apisEndpoint);
  }

  private BillingService service(GcpSettings gcp) {
    CostSettings cost = new CostSettings(BigDecimal.TEN, new BigDecimal("100"), "", "", "", new BigDecimal("5"),
        Map.of("ai_ml", List.of("Vertex AI")));
    BillingService s = new BillingService(gcp, cost, new BillingStore(db),
        () -> BigQueryBillingExport.connect(gcp, Duration.ofSeconds(10)),
        () -> CloudBudgets.connect(gcp, BillingService.CLIENT_TIMEOUT),
        () -> RecommenderIdleVms.connect(gcp, BillingService.CLIENT_TIMEOUT, n -> n.startsWith("headroom-")),
        clock, tasks, alerts::add);
    services.add(s);
    return s;
  }

  /**
   * One normal refresh first (classes loaded, export cached), then {@code script}, then a new service a minute later:
   * its refresh takes the export from the cache and times only the budgets and recommender calls.
   */
  private BillingService warmThen(Runnable script) {
    service().refreshIfDue();
    script.run();
    clock.advance(Duration.ofMinutes(1));
    return service();
  }

  private BillingService service() {
    return service(gcp(BillingFixture.TABLE, bigquery.endpoint(), apis.endpoint()));
  }

  @Test
  void refreshReadsTheExportBudgetsAndIdleVms() {
    BillingService s = service();

    s.refreshIfDue();
    GcpBilled b = s.at(clock.instant(), List.of());

    assertThat(b.errors()).isEmpty();
    assertThat(b.monthToDate()).isEqualByComparingTo(BillingFixture.MONTH);
    assertThat(b.today()).isEqualByComparingTo(BillingFixture.TODAY);
    assertThat(b.asOf()).isEqualTo(BillingFixture.WATERMARK);
    assertThat(b.ageMinutes()).isZero();
    assertThat(b.budgets()).extracting(GcpBilled.BudgetView::name).containsExactly("Monthly GCP", "ML project");
    GcpBilled.BudgetView monthly = b.budgets().get(0);
    assertThat(monthly.amount()).isEqualByComparingTo("200");
    assertThat(monthly.thresholdPercents()).extracting(BigDecimal::intValue).containsExactly(50, 90, 100);
    assertThat(monthly.spent()).isEqualByComparingTo("120.11");
    assertThat(monthly.percent()).isEqualByComparingTo("60.1");
    GcpBilled.BudgetView ml = b.budgets().get(1);
    assertThat(ml.amount()).isEqualByComparingTo("80.5");
    assertThat(ml.spent()).isEqualByComparingTo("73.15"); // only project 222222222222
    assertThat(b.idleVms()).extracting(IdleVm::name).containsExactly("legacy-build-box",
        "headroom-20261123-170000-ab12");
    IdleVm legacy = b.idleVms().get(0);
    assertThat(legacy.perHour()).isEqualByComparingTo("0.050694"); // $36.50 over 30 days
    assertThat(legacy.headroom()).isFalse();
    assertThat(legacy.consoleUrl()).contains("zones/us-central1-a/instances/legacy-build-box");
    assertThat(b.idleVms().get(1).headroom()).isTrue();
    assertThat(apis.paths).anyMatch(p -> p.contains("pageToken=p2"));
  }

  @Test
  void exportIsReadAtMostEveryRefreshIntervalAndCachedInH2() {
    BillingService s = service();
    s.refreshIfDue();
    clock.advance(Duration.ofMinutes(14));
    s.refreshIfDue();
    assertThat(bigquery.queries.get()).isEqualTo(1);

    BillingService restarted = service(); // a new process: the cache answers with its age, no query
    GcpBilled cached = restarted.at(clock.instant(), List.of());
    assertThat(cached.monthToDate()).isEqualByComparingTo(BillingFixture.MONTH);
    assertThat(cached.ageMinutes()).isEqualTo(14);
    restarted.refreshIfDue();
    assertThat(bigquery.queries.get()).isEqualTo(1);

    clock.advance(Duration.ofMinutes(1));
    s.refreshIfDue();
    assertThat(bigquery.queries.get()).isEqualTo(2);
  }

  @Test
  void spikeAlertsOncePerServicePerDay() {
    BillingService s = service();
    s.refreshIfDue();
    clock.advance(Duration.ofMinutes(20));
    s.refreshIfDue();

    assertThat(alerts).extracting(BilledSummary.Spike::service).containsExactly("Vertex AI");
    assertThat(s.at(clock.instant(), List.of()).spikes()).extracting(GcpBilled.SpikeView::message)
        .singleElement().asString().startsWith("Vertex AI +$8.40 in the hour from");
  }

  @Test
  void exportNotConfiguredSaysHow() {
    BillingService s = service(gcp("", bigquery.endpoint(), apis.endpoint()));
    s.refreshIfDue();

    GcpBilled b = s.at(clock.instant(), List.of());
    assertThat(b.configured()).isFalse();
    assertThat(b.monthToDate()).isNull();
    assertThat(b.errors()).extracting(GcpBilled.Problem::source, GcpBilled.Problem::message)
        .contains(org.assertj.core.groups.Tuple.tuple("export", "The GCP billing export is not configured. Enable it"
            + " in the Cloud console's Billing export page (Billing > Billing export > BigQuery export > Standard"
            + " usage cost), then set gcp.billingExportTable to the PROJECT.DATASET.TABLE it writes"
            + " (gcp_billing_export_v1_<ACCOUNT>) and gcp.project to the project BigQuery jobs run in."));
    assertThat(bigquery.queries.get()).isZero();
    assertThat(b.budgets()).hasSize(2); // budgets do not need the export
  }

  @Test
  void tableNotFoundIsReportedOnceWithTheSetting() {
    BillingService s = service(gcp(BillingFixture.TABLE + "_typo", bigquery.endpoint(), apis.endpoint()));
    s.refreshIfDue();

    GcpBilled b = s.at(clock.instant(), List.of());
    assertThat(b.errors()).singleElement().satisfies(p -> {
      assertThat(p.source()).isEqualTo("export");
      assertThat(p.message()).startsWith("Billing export table '" + BillingFixture.TABLE + "_typo' was not found")
          .contains("gcp.billingExportTable").doesNotContain("Exception").doesNotContain("\tat ");
    });
  }

  @Test
  void exportPermissionDeniedNamesDataViewerAndJobUser() {
    bigquery.fail = "jobUserDenied";
    BillingService s = service();
    s.refreshIfDue();

    assertThat(s.at(clock.instant(), List.of()).errors()).singleElement().extracting(GcpBilled.Problem::message)
        .asString().contains("bigquery.jobs.create permission")
        .contains("roles/bigquery.dataViewer on the dataset acme-billing.billing_export")
        .contains("roles/bigquery.jobUser on the project acme-dev");
  }

  @Test
  void budgetsPermissionDeniedNamesBillingViewerAndTheBillStillShows() {
    apis.budgets = "denied";
    BillingService s = service();
    s.refreshIfDue();

    GcpBilled b = s.at(clock.instant(), List.of());
    assertThat(b.monthToDate()).isEqualByComparingTo(BillingFixture.MONTH);
    assertThat(b.errors()).singleElement().satisfies(p -> {
      assertThat(p.source()).isEqualTo("budgets");
      assertThat(p.message()).isEqualTo("Permission denied listing the budgets of " + FakeBillingApisServer.ACCOUNT
          + ": grant roles/billing.viewer on the billing account.");
    });
  }

  @Test
  void unreachableBudgetsGiveUpWithinFiveSeconds() {
    GcpBilled b = slowOnly(() -> apis.budgets = "slow", "budgets", "Budgets gave up after 5 s without an answer.");
    assertThat(b.idleVms()).hasSize(2);
  }

  @Test
  void unreachableBillingInfoGivesUpWithinFiveSeconds() {
    slowOnly(() -> apis.billingInfo = "slow", "billingInfo", "Billing info gave up after 5 s without an answer.");
  }

  @Test
  void unreachableRecommenderGivesUpWithinFiveSeconds() {
    GcpBilled b = slowOnly(() -> apis.recommender = "slow", "recommender",
        "Idle-VM recommendations gave up after 5 s without an answer.");
    assertThat(b.budgets()).hasSize(2);
  }

  /**
   * With one API scripted to hang, a refresh gives up on it within the 5 s budget (8 s with slack for a loaded
   * machine), the bill still comes from the export, and the only problem reported is that API's, in words.
   */
  private GcpBilled slowOnly(Runnable script, String source, String message) {
    BillingService s = warmThen(script);
    long start = System.nanoTime();
    s.refreshIfDue();
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(bigquery.queries.get()).isEqualTo(1); // the export came from the cache: only the slow call is timed
    assertThat(ms).isLessThan(8_000);
    GcpBilled b = s.at(clock.instant(), List.of());
    assertThat(b.monthToDate()).isEqualByComparingTo(BillingFixture.MONTH);
    assertThat(b.errors()).extracting(GcpBilled.Problem::source, GcpBilled.Problem::message)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(source, message));
    return b;
  }

  @Test
  void straddlingHeadroomVmIsCountedOnceInTheView() {
    BillingService s = service();
    s.refreshIfDue();

    GcpBilled b = s.at(clock.instant(), List.of(new Nowcast.VmEstimate("headroom-20261123-170000-ab12",
        BillingFixture.VM_START, clock.instant(), new BigDecimal(BillingFixture.VM_RATE))));
    assertThat(b.nowcast().monthToDate()).isEqualByComparingTo("120.170582");
    assertThat(b.nowcast().estimateToday()).isEqualByComparingTo("0.06");
    assertThat(b.nowcast().billedUntil()).isEqualTo(BillingFixture.WATERMARK);
  }
}
