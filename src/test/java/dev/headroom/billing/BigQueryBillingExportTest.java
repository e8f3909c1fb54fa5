package dev.headroom.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headroom.config.GcpSettings;
import dev.headroom.config.SettingsLoader;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BigQueryBillingExportTest {
  private FakeBigQueryServer fake;
  private BigQueryBillingExport export;

  @BeforeEach
  void start() throws Exception {
    fake = new FakeBigQueryServer().table(BillingFixture.TABLE, BillingFixture.usdMonth())
        .table(BillingFixture.EUR_TABLE, BillingFixture.eurMonth());
    export = BigQueryBillingExport.connect(settings(fake.endpoint()), Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  static GcpSettings settings(String endpoint) {
    GcpSettings d = new SettingsLoader().defaults().gcp();
    return new GcpSettings("acme-dev", d.region(), d.zones(), d.machineType(), d.imageProject(), d.imageFamily(),
        d.diskSizeGb(), d.diskType(), d.maxRunDurationMinutes(), d.backendPort(), d.network(), "", "", 22,
        BillingFixture.TABLE, List.of(), 15, endpoint, "", "");
  }

  private static BillingQuery query(String table) {
    return BillingAggregator.query(table, List.of(), BillingFixture.NOW);
  }

  @Test
  void readsEveryRowOfTheMonthAndTheSpikeWindowThroughJobCompleteFalseAndPaging() {
    List<BillingRow> rows = export.rows(query(BillingFixture.TABLE));

    List<BillingRow> expected = BillingFixture.usdMonth().stream().filter(r -> r.invoiceMonth().equals("202611"))
        .map(ExportRow::asRead).toList();
    assertThat(rows).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(rows).hasSize(14);
    assertThat(fake.paths).anyMatch(p -> p.startsWith("POST /bigquery/v2/projects/acme-dev/queries"))
        .anyMatch(p -> p.matches("GET /bigquery/v2/projects/acme-dev/queries/job_\\w+.*"))
        .anyMatch(p -> p.contains("/tables/anon_") && p.contains("pageToken="));
  }

  @Test
  void readsCreditsAndLabelsByPositionAndTimestampsExactly() {
    List<BillingRow> rows = export.rows(query(BillingFixture.TABLE));

    BillingRow vertex = rows.stream().filter(r -> r.sku().equals("Gemini 2.5 Pro Input Tokens")
        && r.usageStart().toString().equals("2026-11-12T14:00:00Z")).findFirst().orElseThrow();
    assertThat(vertex.credits()).isEqualByComparingTo("-4.12");
    assertThat(vertex.net()).isEqualByComparingTo("44.00");
    assertThat(rows.stream().filter(BillingRow::headroom)).hasSize(4);
    assertThat(rows).extracting(BillingRow::exportTime).contains(BillingFixture.WATERMARK);
    assertThat(rows.stream().filter(r -> r.service().equals("Support")).findFirst().orElseThrow().projectId())
        .isEmpty();
  }

  @Test
  void queryFiltersOnThePartitionAndCapsBytesBilled() {
    export.rows(query(BillingFixture.TABLE));

    JsonNode req = fake.queryRequests.get(0);
    assertThat(req.path("query").asText()).contains("_PARTITIONTIME >= @partition_from")
        .contains("`" + BillingFixture.TABLE + "`");
    assertThat(req.path("maximumBytesBilled").asLong()).isEqualTo(BillingQuery.DEFAULT_MAXIMUM_BYTES_BILLED);
    assertThat(req.path("useLegacySql").asBoolean(true)).isFalse();
  }

  @Test
  void projectFilterIsAppliedByTheQuery() {
    BillingQuery q = BillingAggregator.query(BillingFixture.TABLE, List.of("acme-ml"), BillingFixture.NOW);

    assertThat(export.rows(q)).extracting(BillingRow::projectId).containsOnly("acme-ml");
  }

  @Test
  void nonUsdAccountKeepsItsCurrencyAndRate() {
    List<BillingRow> rows = export.rows(query(BillingFixture.EUR_TABLE));

    assertThat(rows).hasSize(3).allSatisfy(r -> {
      assertThat(r.currency()).isEqualTo("EUR");
      assertThat(r.conversionRate()).isEqualByComparingTo("0.92");
    });
  }

  @Test
  void tableNotFoundSaysWhichSettingToCheck() {
    assertThatThrownBy(() -> export.rows(query("acme-billing.billing_export.gcp_billing_export_v1_WRONG")))
        .isInstanceOfSatisfying(BillingException.class, e -> {
          assertThat(e.kind()).isEqualTo(BillingException.Kind.TABLE_NOT_FOUND);
          assertThat(e.userMessage()).startsWith("Billing export table "
              + "'acme-billing.billing_export.gcp_billing_export_v1_WRONG' was not found")
              .contains("gcp.billingExportTable").contains("Billing export page");
        });
  }

  @Test
  void permissionDeniedNamesTheRolesToGrant() {
    fake.fail = "accessDenied";

    assertThatThrownBy(() -> export.rows(query(BillingFixture.TABLE)))
        .isInstanceOfSatisfying(BillingException.class, e -> {
          assertThat(e.kind()).isEqualTo(BillingException.Kind.PERMISSION_DENIED);
          assertThat(e.userMessage()).startsWith("Permission denied reading the billing export")
              .contains("roles/bigquery.dataViewer on the dataset acme-billing.billing_export")
              .contains("roles/bigquery.jobUser on the project acme-dev");
        });
  }

  @Test
  void invalidQueryIsReportedWithBigQuerysMessage() {
    fake.fail = "invalidQuery";

    assertThatThrownBy(() -> export.rows(query(BillingFixture.TABLE)))
        .isInstanceOfSatisfying(BillingException.class, e -> {
          assertThat(e.kind()).isEqualTo(BillingException.Kind.INVALID_QUERY);
          assertThat(e.userMessage()).contains("Unrecognized name: _PARTITIONTIME");
        });
  }
}
