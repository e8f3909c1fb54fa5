package dev.headroom;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  @TempDir Path home;

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
  void versionPrintsTheBuildVersionAndExitsZero() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"--version"}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream()), Map.of("HEADROOM_HOME", home.toString()));
    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8).trim()).matches("Headroom \\d+\\.\\d+\\.\\d+.*");
  }

  @Test
  void guiWithoutADisplaySaysSoInOneLineAndSuggestsHeadless() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[0], new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("HEADROOM_HOME", home.toString()));
    String text = err.toString(StandardCharsets.UTF_8);
    assertThat(code).isEqualTo(2);
    assertThat(text).startsWith("headroom: no display found").contains("--headless");
    assertThat(text.strip().lines()).hasSize(1);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
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
