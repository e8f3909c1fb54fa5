package dev.headroom;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.config.SettingsLoader;
import dev.headroom.core.MutableClock;
import dev.headroom.memory.ScriptedMemorySource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  @TempDir Path home;

  @Test
  void statusJsonPrintsMemoryAndPressure() throws Exception {
    ScriptedMemorySource source = new ScriptedMemorySource();
    source.setUsedPercent(90);
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int code = Main.status(new SettingsLoader().defaults(), source,
        new MutableClock(Instant.parse("2026-11-23T10:00:00Z")), true, new PrintStream(buf, true, StandardCharsets.UTF_8));
    JsonNode json = new ObjectMapper().readTree(buf.toString(StandardCharsets.UTF_8));
    assertThat(code).isZero();
    assertThat(json.get("totalBytes").asLong()).isEqualTo(ScriptedMemorySource.TOTAL);
    assertThat(json.get("usedBytes").asLong() + json.get("availableBytes").asLong())
        .isEqualTo(ScriptedMemorySource.TOTAL);
    assertThat(json.get("usedPercent").asDouble()).isEqualTo(90.0);
    assertThat(json.get("swapTotalBytes").asLong()).isEqualTo(2L << 30);
    assertThat(json.has("swapUsedBytes")).isTrue();
    assertThat(json.get("pressure").asText()).isEqualTo("HIGH");
    assertThat(json.get("time").asText()).isEqualTo("2026-11-23T10:00:00Z");
  }

  @Test
  void statusOnTheRealMachineIsValidJson() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"status", "--json"}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("HEADROOM_HOME", home.toString()));
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    JsonNode json = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    assertThat(json.get("totalBytes").asLong()).isPositive();
    assertThat(json.get("pressure").asText()).isIn("NORMAL", "HIGH", "CRITICAL");
  }

  @Test
  void invalidConfigStopsWithOneClearMessage() throws Exception {
    java.nio.file.Files.writeString(home.resolve("config.json"), "{\"memory\": {\"thresholdPercent\": -1}}");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"status"}, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("HEADROOM_HOME", home.toString()));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("headroom: Invalid setting 'memory.thresholdPercent'");
  }

  @Test
  void unknownVerbPrintsUsage() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"frobnicate"}, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("HEADROOM_HOME", home.toString()));
    assertThat(code).isEqualTo(64);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("Usage:");
  }
}
