package dev.headroom.cost;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.cli.Cli;
import dev.headroom.cli.CliServices;
import dev.headroom.config.Settings;
import dev.headroom.config.SettingsLoader;
import dev.headroom.memory.MemoryState;
import dev.headroom.spot.SpotVmService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Budget levels are an enum inside; on the wire (JSON, SSE) and in the CLI they read exactly as before. */
class BudgetLevelTest {
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

  private static CostSnapshot snapshot(CostSnapshot.Budget daily, CostSnapshot.Budget monthly) {
    BigDecimal z = CostEngine.money(BigDecimal.ZERO);
    return new CostSnapshot(NOW, z, z, z, z, daily.spent(), monthly.spent(), z, z, daily, monthly, List.of(),
        List.of(), 0);
  }

  @Test
  void eachThresholdStartsItsLevel() {
    assertThat(BudgetLevel.of(new BigDecimal("49.9"))).isEqualTo(BudgetLevel.OK);
    assertThat(BudgetLevel.of(new BigDecimal("50.0"))).isEqualTo(BudgetLevel.WARN_50);
    assertThat(BudgetLevel.of(new BigDecimal("89.9"))).isEqualTo(BudgetLevel.WARN_50);
    assertThat(BudgetLevel.of(new BigDecimal("90"))).isEqualTo(BudgetLevel.WARN_90);
    assertThat(BudgetLevel.of(new BigDecimal("99.9"))).isEqualTo(BudgetLevel.WARN_90);
    assertThat(BudgetLevel.of(new BigDecimal("100.0"))).isEqualTo(BudgetLevel.OVER);
    assertThat(BudgetLevel.of(new BigDecimal("250"))).isEqualTo(BudgetLevel.OVER);
    assertThat(Budgets.budget(BigDecimal.ZERO, new BigDecimal("99")).level()).as("no budget set")
        .isEqualTo(BudgetLevel.OK);
  }

  @Test
  void theJsonCarriesTheLevelByNameAsBefore() throws Exception {
    CostSnapshot s = snapshot(Budgets.budget(new BigDecimal("10"), new BigDecimal("9.5")),
        Budgets.budget(new BigDecimal("100"), new BigDecimal("100")));

    String json = CostHttp.json(s);

    assertThat(json).contains("\"daily\":{\"limit\":10.00,\"spent\":9.500000,\"percent\":95.0,\"level\":\"WARN_90\"}")
        .contains("\"monthly\":{\"limit\":100.00,\"spent\":100.000000,\"percent\":100.0,\"level\":\"OVER\"}");
    assertThat(new ObjectMapper().readTree(json).get("daily").get("level").isTextual()).isTrue();
  }

  @Test
  void theCostVerbPrintsTheLevelNamesAsBefore() {
    CostSnapshot s = snapshot(Budgets.budget(new BigDecimal("10"), new BigDecimal("5")),
        Budgets.budget(new BigDecimal("100"), new BigDecimal("12")));
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    int code = Cli.run(List.of("cost"), services(s), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("Budgets: daily 50.0 % of $10.00 (WARN_50), monthly 12.0 % of $100.00 (OK)\n");
  }

  private static CliServices services(CostSnapshot s) {
    Settings settings = new SettingsLoader().defaults();
    return new CliServices() {
      @Override
      public Settings settings() {
        return settings;
      }

      @Override
      public Clock clock() {
        return Clock.fixed(NOW, ZoneOffset.UTC);
      }

      @Override
      public MemoryState memory() {
        throw new AssertionError("not used by cost");
      }

      @Override
      public CostSnapshot cost() {
        return s;
      }

      @Override
      public PriceCommands prices() {
        throw new AssertionError("not used by cost");
      }

      @Override
      public SpotVmService spot() {
        throw new AssertionError("not used by cost");
      }
    };
  }
}
