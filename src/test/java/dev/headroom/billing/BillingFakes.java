package dev.headroom.billing;

import java.io.IOException;
import java.util.Map;

/**
 * The fake BigQuery export (the fixture month) and the fake Billing / Budget / Recommender APIs, started together,
 * with the {@code HEADROOM_*} environment that points the app at them (for CLI tests outside this package).
 */
public final class BillingFakes implements AutoCloseable {
  private final FakeBigQueryServer bigquery;
  private final FakeBillingApisServer apis;

  public BillingFakes() throws IOException {
    this(java.time.Duration.ZERO);
  }

  /** With every time of the fixture moved by {@code shift} (the screenshot moves it to the current hour). */
  public BillingFakes(java.time.Duration shift) throws IOException {
    bigquery = new FakeBigQueryServer().table(BillingFixture.TABLE,
        BillingFixture.usdMonth().stream().map(r -> r.shifted(shift)).toList());
    apis = new FakeBillingApisServer();
  }

  /** Environment overrides for project acme-dev reading the fixture table. */
  public Map<String, String> env() {
    return Map.of("HEADROOM_GCP_PROJECT", "acme-dev",
        "HEADROOM_GCP_BILLING_EXPORT_TABLE", BillingFixture.TABLE,
        "HEADROOM_GCP_BIGQUERY_ENDPOINT", bigquery.endpoint(),
        "HEADROOM_GCP_BILLING_ENDPOINT", apis.endpoint(),
        "HEADROOM_GCP_BUDGETS_ENDPOINT", apis.endpoint(),
        "HEADROOM_GCP_RECOMMENDER_ENDPOINT", apis.endpoint(),
        "HEADROOM_GCP_COMPUTE_ENDPOINT", apis.endpoint());
  }

  /** A {@link BillingService} on the fakes (project acme-dev, the fixture table, refresh every 15 minutes). */
  public BillingService service(dev.headroom.store.Database db, java.time.Clock clock, dev.headroom.core.Tasks tasks) {
    dev.headroom.config.GcpSettings gcp = BillingServiceTest.gcp(BillingFixture.TABLE, bigquery.endpoint(),
        apis.endpoint());
    dev.headroom.config.CostSettings cost = new dev.headroom.config.CostSettings(java.math.BigDecimal.TEN,
        new java.math.BigDecimal("200"), "", "");
    return new BillingService(gcp, cost, new BillingStore(db),
        () -> BigQueryBillingExport.connect(gcp, java.time.Duration.ofSeconds(10)),
        () -> CloudBudgets.connect(gcp, BillingService.CLIENT_TIMEOUT),
        () -> RecommenderIdleVms.connect(gcp, BillingService.CLIENT_TIMEOUT, n -> n.startsWith("headroom-")),
        clock, tasks, spike -> { });
  }

  /** Number of BigQuery jobs run so far. */
  public int queries() {
    return bigquery.queries.get();
  }

  /** Makes the Budget API hang (it must be given up on within 5 s). */
  public void budgetsUnreachable() {
    apis.budgets = "slow";
  }

  @Override
  public void close() {
    bigquery.close();
    apis.close();
  }
}
