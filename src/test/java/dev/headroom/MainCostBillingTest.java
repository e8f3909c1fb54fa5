package dev.headroom;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.billing.BillingFakes;
import dev.headroom.billing.BillingFixture;
import dev.headroom.core.MutableClock;
import dev.headroom.store.Database;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code headroom cost --json} with the real GCP bill read from the fake billing export (issue 13). */
class MainCostBillingTest {
  @TempDir Path home;
  private BillingFakes fakes;

  @BeforeEach
  void start() throws Exception {
    fakes = new BillingFakes();
  }

  @AfterEach
  void stop() {
    fakes.close();
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>(fakes.env());
    env.put("HEADROOM_HOME", home.toString());
    return env;
  }

  private JsonNode costJson(Map<String, String> env) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"cost", "--json"}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env, new MutableClock(BillingFixture.NOW));
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void costJsonTotalsEqualTheRowsToTheCent() throws Exception {
    JsonNode billed = costJson(env()).get("gcpBilled");

    assertThat(billed.get("currency").asText()).isEqualTo("USD");
    assertThat(billed.get("monthToDate").decimalValue()).isEqualByComparingTo(BillingFixture.MONTH);
    assertThat(cents(billed.get("monthToDate"))).isEqualTo("120.11");
    assertThat(cents(billed.get("today"))).isEqualTo("8.61");
    assertThat(billed.get("asOf").asText()).isEqualTo("2026-11-23T20:14:09Z");
    assertThat(billed.get("byService").get(0).get("service").asText()).isEqualTo("Vertex AI");
    assertThat(cents(billed.get("byService").get(0).get("monthToDate"))).isEqualTo("73.15");
    BigDecimal services = BigDecimal.ZERO;
    for (JsonNode s : billed.get("byService")) {
      services = services.add(s.get("monthToDate").decimalValue());
    }
    assertThat(services).isEqualByComparingTo(BillingFixture.MONTH);
    assertThat(billed.get("byProject")).hasSize(2);
    assertThat(billed.get("byProject").get(1).get("project").asText()).isEqualTo("acme-dev");
    assertThat(cents(billed.get("byProject").get(1).get("monthToDate"))).isEqualTo("17.96");
    assertThat(billed.get("errors")).isEmpty();
  }

  @Test
  void straddlingHeadroomVmIsCountedOnceInTheGcpFigure() throws Exception {
    try (Database db = Database.open(home.resolve("data"))) {
      db.withConnection(c -> {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO vm_sessions(name, zone, machine_type, state,"
            + " external_ip, requested_at, running_since, ended_at, max_run_seconds, session_id, last_message)"
            + " VALUES ('headroom-20261123-170000-ab12', 'us-central1-a', 'e2-highmem-4', 'RUNNING', '127.0.0.9',"
            + " ?, ?, NULL, 10800, 's-1a2b3c4d', 'running')")) {
          ps.setLong(1, BillingFixture.VM_START.toEpochMilli() - 60_000);
          ps.setLong(2, BillingFixture.VM_START.toEpochMilli());
          return ps.executeUpdate();
        }
      });
    }

    JsonNode json = costJson(env());

    BigDecimal perHour = json.get("vms").get(0).get("perHour").decimalValue();
    assertThat(perHour).isPositive();
    // Billed 17:00-19:00 (in the month's 120.110582); estimated only 19:00-20:30, not the VM's whole 3.5 h.
    BigDecimal once = new BigDecimal(BillingFixture.MONTH).add(perHour.multiply(new BigDecimal("1.5")));
    assertThat(json.get("gcpMonth").decimalValue()).isEqualByComparingTo(once.setScale(6, RoundingMode.HALF_UP));
    assertThat(json.get("gcpToday").decimalValue()).isEqualByComparingTo(
        new BigDecimal(BillingFixture.TODAY).add(perHour.multiply(new BigDecimal("1.5"))).setScale(6,
            RoundingMode.HALF_UP));
    assertThat(json.get("gcpBilled").get("nowcast").get("estimatedSince").asText())
        .isEqualTo("2026-11-23T19:00:00Z");
  }

  @Test
  void costJsonFetchesOnlyWhenTheCacheIsOlderThanTheRefreshInterval() throws Exception {
    costJson(env());
    costJson(env());

    assertThat(fakes.queries()).isEqualTo(1);
  }

  @Test
  void gcpBilledIsPrintedWhenBudgetsAreUnreachable() throws Exception {
    fakes.budgetsUnreachable();
    long start = System.nanoTime();

    JsonNode billed = costJson(env()).get("gcpBilled");

    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(20_000);
    assertThat(cents(billed.get("monthToDate"))).isEqualTo("120.11");
    assertThat(billed.get("errors").get(0).get("source").asText()).isEqualTo("budgets");
    assertThat(billed.get("errors").get(0).get("message").asText())
        .isEqualTo("Budgets gave up after 5 s without an answer.");
  }

  @Test
  void exportNotConfiguredIsOneSentenceInTheJson() throws Exception {
    Map<String, String> env = new HashMap<>(env());
    env.put("HEADROOM_GCP_BILLING_EXPORT_TABLE", "");

    JsonNode billed = costJson(env).get("gcpBilled");

    assertThat(billed.get("configured").asBoolean()).isFalse();
    assertThat(billed.get("monthToDate").isNull()).isTrue();
    assertThat(billed.get("errors").get(0).get("message").asText())
        .startsWith("The GCP billing export is not configured. Enable it in the Cloud console's Billing export page");
  }

  @Test
  void costTextPrintsTheBillItsWatermarkAndSpikes() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"cost"}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), env(),
        new MutableClock(BillingFixture.NOW));

    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(code).isZero();
    assertThat(text).contains("GCP billed (export as of 2026-11-23T20:14:09Z): today $8.61, month to date $120.11"
        + " net of credits").contains("Vertex AI").contains("Spike: Vertex AI +$8.40");
  }

  private static String cents(JsonNode n) {
    return n.decimalValue().setScale(2, RoundingMode.HALF_UP).toPlainString();
  }
}
