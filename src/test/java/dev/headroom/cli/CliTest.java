package dev.headroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.config.Settings;
import dev.headroom.config.SettingsLoader;
import dev.headroom.core.AppException;
import dev.headroom.cost.CostSnapshot;
import dev.headroom.cost.PriceCommands;
import dev.headroom.memory.MemoryState;
import dev.headroom.memory.Pressure;
import dev.headroom.memory.ScriptedMemorySource;
import dev.headroom.spot.SpotVmService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CliTest {
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  /** Services with a scripted reading; the store is never needed by status. */
  private static CliServices services(double usedPercent, Pressure pressure) {
    Settings settings = new SettingsLoader().defaults();
    ScriptedMemorySource source = new ScriptedMemorySource();
    source.setUsedPercent(usedPercent);
    MemoryState state = new MemoryState(source.sample(NOW), pressure, Optional.empty(), 0);
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
        return state;
      }

      @Override
      public CostSnapshot cost() {
        throw new AppException("The history database is in use by another Headroom; quit it first.");
      }

      @Override
      public PriceCommands prices() {
        throw new AssertionError("not used here");
      }

      @Override
      public SpotVmService spot() {
        throw new AssertionError("status must not open the store");
      }
    };
  }

  private int run(CliServices s, String... args) {
    return Cli.run(List.of(args), s, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void statusJsonPrintsTheReadingAndThePressureTheAppClassified() throws Exception {
    int code = run(services(90, Pressure.CRITICAL), "status", "--json");

    JsonNode json = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    assertThat(code).isZero();
    assertThat(json.get("totalBytes").asLong()).isEqualTo(ScriptedMemorySource.TOTAL);
    assertThat(json.get("usedBytes").asLong() + json.get("availableBytes").asLong())
        .isEqualTo(ScriptedMemorySource.TOTAL);
    assertThat(json.get("usedPercent").asDouble()).isEqualTo(90.0);
    assertThat(json.get("swapTotalBytes").asLong()).isEqualTo(2L << 30);
    // The pressure comes from the reading (the running app's, swap included), not reclassified here.
    assertThat(json.get("pressure").asText()).isEqualTo("CRITICAL");
    assertThat(json.get("time").asText()).isEqualTo("2026-11-23T10:00:00Z");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void statusTextIsOneLine() {
    int code = run(services(42, Pressure.NORMAL), "status");

    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Memory: 42.0 % used").endsWith("pressure NORMAL\n");
  }

  @Test
  void aStrayArgumentIsAUsageErrorOnStderr() {
    int code = run(services(42, Pressure.NORMAL), "status", "--jsno");

    assertThat(code).isEqualTo(Cli.USAGE);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: status [--json]");
  }

  @Test
  void anAppExceptionBecomesOneLineAndExitCodeTwo() {
    int code = run(services(42, Pressure.NORMAL), "cost", "--json");

    assertThat(code).isEqualTo(Cli.PROBLEM);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(
        "headroom: The history database is in use by another Headroom; quit it first.\n");
  }

  @Test
  void onlyKnownVerbsRun() {
    assertThat(Cli.isVerb("status")).isTrue();
    assertThat(Cli.isVerb("--headless")).isFalse();
    assertThat(run(services(1, Pressure.NORMAL), "--headless")).isEqualTo(Cli.USAGE);
  }
}
