package dev.headroom.billing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.config.CostSettings;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.MutableClock;
import dev.headroom.core.Tasks;
import dev.headroom.cost.CostEngine;
import dev.headroom.cost.CostHttp;
import dev.headroom.cost.PriceBook;
import dev.headroom.cost.PriceService;
import dev.headroom.store.Database;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SSE snapshot (the same JSON as the stream's data lines) carries gcpBilled with the nowcast. */
class SnapshotJsonTest {
  @TempDir Path dir;

  @Test
  void streamSnapshotCarriesTheBillAndTheNowcast() throws Exception {
    MutableClock clock = new MutableClock(BillingFixture.NOW);
    try (BillingFakes fakes = new BillingFakes(); Database db = Database.open(dir);
        Tasks tasks = ExecutorTasks.create("snapshot-json", 4)) {
      BillingService billing = fakes.service(db, clock, tasks);
      billing.refreshIfDue();
      CostEngine engine = new CostEngine(db, PriceBook.load(Optional.empty()),
          new PriceService(Optional.empty(), db, clock, 20, "pd-balanced"), "us-central1",
          new CostSettings(BigDecimal.TEN, new BigDecimal("200"), "", ""), List::of, clock, ZoneOffset.UTC, tasks,
          (p, pc, b) -> { });
      engine.useBilling(billing);

      JsonNode json = new ObjectMapper().readTree(CostHttp.json(engine.tick()));

      assertThat(json.get("gcpBilled").get("monthToDate").decimalValue()).isEqualByComparingTo(BillingFixture.MONTH);
      assertThat(json.get("gcpBilled").get("asOf").asText()).isEqualTo("2026-11-23T20:14:09Z");
      assertThat(json.get("gcpMonth").decimalValue()).isEqualByComparingTo(BillingFixture.MONTH); // no VM: the bill
      assertThat(json.get("gcpBilled").get("spikes").get(0).get("service").asText()).isEqualTo("Vertex AI");
      billing.close();
    }
  }
}
