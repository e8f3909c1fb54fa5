package dev.headroom.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.AppException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsLoaderTest {
  @TempDir Path dir;
  private final SettingsLoader loader = new SettingsLoader();

  private Path write(String json) throws IOException {
    Path f = dir.resolve("config.json");
    Files.writeString(f, json);
    return f;
  }

  @Test
  void missingFileGivesTheDocumentedDefaults() {
    Settings s = loader.load(dir.resolve("absent.json"), Map.of());
    assertThat(s.memory().thresholdPercent()).isEqualTo(85.0);
    assertThat(s.memory().sustainedSeconds()).isEqualTo(20);
    assertThat(s.gcp().machineType()).isEqualTo("e2-highmem-4");
    assertThat(s.gcp().maxRunDurationMinutes()).isEqualTo(180);
    assertThat(s.autoCreate().maxConcurrent()).isEqualTo(2);
    assertThat(s.autoCreate().cooldownMinutes()).isEqualTo(5);
    assertThat(s.autoCreate().idleTimeoutMinutes()).isEqualTo(30);
    assertThat(s.gateway().port()).isEqualTo(8010);
    assertThat(s.gcp().configured()).isFalse();
  }

  @Test
  void userFileOverridesOnlyTheFieldsItNames() throws IOException {
    Settings s = loader.load(write("{\"memory\": {\"thresholdPercent\": 80}, \"gcp\": {\"project\": \"p1\"}}"),
        Map.of());
    assertThat(s.memory().thresholdPercent()).isEqualTo(80.0);
    assertThat(s.memory().criticalPercent()).isEqualTo(95.0);
    assertThat(s.gcp().project()).isEqualTo("p1");
    assertThat(s.gcp().configured()).isTrue();
  }

  @Test
  void environmentOverridesTheFile() throws IOException {
    Settings s = loader.load(write("{\"gcp\": {\"project\": \"p1\"}}"), Map.of(
        "HEADROOM_GCP_PROJECT", "p2",
        "HEADROOM_GCP_MACHINE_TYPE", "e2-standard-8",
        "HEADROOM_GCP_ZONES", "us-central1-b, us-central1-c",
        "HEADROOM_AUTOCREATE_ENABLED", "true",
        "HEADROOM_COST_DAILY_BUDGET_USD", "3.50"));
    assertThat(s.gcp().project()).isEqualTo("p2");
    assertThat(s.gcp().machineType()).isEqualTo("e2-standard-8");
    assertThat(s.gcp().zones()).containsExactly("us-central1-b", "us-central1-c");
    assertThat(s.autoCreate().enabled()).isTrue();
    assertThat(s.cost().dailyBudgetUsd()).isEqualByComparingTo(new BigDecimal("3.50"));
  }

  @Test
  void googleCloudProjectFillsAnEmptyProject() {
    Settings s = loader.load(dir.resolve("absent.json"), Map.of("GOOGLE_CLOUD_PROJECT", "from-gcloud"));
    assertThat(s.gcp().project()).isEqualTo("from-gcloud");
  }

  @Test
  void wrongTypeNamesTheField() throws IOException {
    Path f = write("{\"memory\": {\"thresholdPercent\": \"high\"}}");
    assertThatThrownBy(() -> loader.load(f, Map.of()))
        .isInstanceOf(AppException.class)
        .hasMessageContaining("memory.thresholdPercent");
  }

  @Test
  void unknownFieldIsNamed() throws IOException {
    Path f = write("{\"gateway\": {\"prot\": 9000}}");
    assertThatThrownBy(() -> loader.load(f, Map.of())).hasMessageContaining("prot");
  }

  @Test
  void outOfRangeValueNamesTheFieldAndTheRule() throws IOException {
    Path f = write("{\"memory\": {\"thresholdPercent\": 97}}");
    assertThatThrownBy(() -> loader.load(f, Map.of()))
        .hasMessageContaining("memory.criticalPercent")
        .hasMessageContaining("above memory.thresholdPercent");
  }

  @Test
  void zoneOutsideTheRegionIsRejected() throws IOException {
    Path f = write("{\"gcp\": {\"zones\": [\"europe-west1-b\"]}}");
    assertThatThrownBy(() -> loader.load(f, Map.of())).hasMessageContaining("gcp.zones");
  }

  @Test
  void endpointWithTrailingSlashIsRejected() {
    assertThatThrownBy(() -> loader.load(dir.resolve("absent.json"),
        Map.of("HEADROOM_GCP_COMPUTE_ENDPOINT", "http://127.0.0.1:9999/")))
        .hasMessageContaining("gcp.computeEndpoint");
  }

  @Test
  void badRoutePolicyNamesTheRoute() throws IOException {
    Path f = write("{\"gateway\": {\"routes\": [{\"name\": \"x\", \"pathPrefix\": \"/x/\", \"policy\": \"SOMETIMES\","
        + " \"localUrl\": \"http://127.0.0.1:1\", \"kind\": \"GENERIC\"}]}}");
    assertThatThrownBy(() -> loader.load(f, Map.of())).hasMessageContaining("gateway.routes[0].policy");
  }

  @Test
  void brokenJsonReportsTheLine() throws IOException {
    Path f = write("{\n  \"memory\": {\n    \"thresholdPercent\": 80,\n  }\n}");
    assertThatThrownBy(() -> loader.load(f, Map.of())).hasMessageContaining("line 4");
  }

  @Test
  void unknownEnvironmentVariablesAreWarnedAboutNotFatal() {
    List<String> warnings = new java.util.ArrayList<>();
    Settings s = new SettingsLoader(warnings::add).load(dir.resolve("absent.json"),
        Map.of("HEADROOM_GCP_COLOUR", "red", "HEADROOM_SOMETHING_ELSE", "x", "HEADROOMX", "y", "HEADROOM_GATEWAY_PORT",
            "9001"));
    assertThat(s.gateway().port()).isEqualTo(9001);
    assertThat(warnings).hasSize(2).anySatisfy(w -> assertThat(w).contains("HEADROOM_GCP_COLOUR"))
        .anySatisfy(w -> assertThat(w).contains("HEADROOM_SOMETHING_ELSE"));
  }

  @Test
  void badBooleanInTheEnvironmentNamesTheSettingAndTheVariable() {
    for (String bad : List.of("yes", "garbage", "1", "")) {
      assertThatThrownBy(() -> loader.load(dir.resolve("absent.json"), Map.of("HEADROOM_AUTO_CREATE_ENABLED", bad)))
          .isInstanceOf(AppException.class)
          .hasMessageContaining("'autoCreate.enabled'")
          .hasMessageContaining("HEADROOM_AUTO_CREATE_ENABLED")
          .hasMessageContaining("true or false");
    }
    assertThat(loader.load(dir.resolve("absent.json"), Map.of("HEADROOM_AUTO_CREATE_ENABLED", "TRUE")).autoCreate()
        .enabled()).isTrue();
  }

  @Test
  void badBooleanInTheFileIsRejectedNotFalse() throws IOException {
    Path f = write("{\"autoCreate\": {\"terminateOnQuit\": \"yes\"}}");
    assertThatThrownBy(() -> loader.load(f, Map.of())).hasMessageContaining("autoCreate.terminateOnQuit");
    Path g = write("{\"gateway\": {\"enabled\": 1}}");
    assertThatThrownBy(() -> loader.load(g, Map.of())).hasMessageContaining("gateway.enabled");
  }

  @Test
  void badNumberFromTheEnvironmentNamesTheVariable() {
    assertThatThrownBy(() -> loader.load(dir.resolve("absent.json"), Map.of("HEADROOM_MEMORY_SUSTAINED_SECONDS",
        "1.5"))).hasMessageContaining("memory.sustainedSeconds").hasMessageContaining("HEADROOM_MEMORY_SUSTAINED_SECONDS");
  }

  @Test
  void nullRoutesAndNullFieldsAreClearErrorsNamingTheField() throws IOException {
    assertThatThrownBy(() -> loader.load(write("{\"gateway\": {\"routes\": null}}"), Map.of()))
        .isInstanceOf(AppException.class).hasMessageContaining("'gateway.routes'");
    assertThatThrownBy(() -> loader.load(write("{\"gateway\": {\"routes\": [null]}}"), Map.of()))
        .isInstanceOf(AppException.class).hasMessageContaining("'gateway.routes[0]'");
    assertThatThrownBy(() -> loader.load(write("{\"memory\": null}"), Map.of()))
        .isInstanceOf(AppException.class).hasMessageContaining("'memory'");
    assertThatThrownBy(() -> loader.load(write("{\"gcp\": {\"region\": null}}"), Map.of()))
        .isInstanceOf(AppException.class).hasMessageContaining("'gcp.region'");
    assertThatThrownBy(() -> loader.load(write("{\"gcp\": {\"zones\": [\"us-central1-a\", null]}}"), Map.of()))
        .isInstanceOf(AppException.class).hasMessageContaining("'gcp.zones[1]'");
    assertThatThrownBy(() -> loader.load(write("{\"gateway\": {\"routes\": [{\"name\": \"x\"}]}}"), Map.of()))
        .isInstanceOf(AppException.class).hasMessageContaining("gateway.routes[0].pathPrefix");
    assertThatThrownBy(() -> loader.load(write("{\"cost\": {\"dailyBudgetUsd\": null}}"), Map.of()))
        .isInstanceOf(AppException.class).hasMessageContaining("'cost.dailyBudgetUsd'");
  }

  @Test
  void everyNullFieldOfTheDefaultsIsNamed() throws IOException {
    // Each field of each section, set to null, fails with an AppException naming it (never an NPE).
    com.fasterxml.jackson.databind.JsonNode defaults = loader.mapper().valueToTree(loader.defaults());
    for (var section = defaults.fields(); section.hasNext(); ) {
      var sec = section.next();
      for (var field = sec.getValue().fieldNames(); field.hasNext(); ) {
        String name = field.next();
        Path f = write("{\"" + sec.getKey() + "\": {\"" + name + "\": null}}");
        assertThatThrownBy(() -> loader.load(f, Map.of())).isInstanceOf(AppException.class)
            .hasMessageContaining(sec.getKey() + "." + name);
      }
    }
  }

  @Test
  void savedSettingsLoadBackEqual() {
    Settings s = loader.load(dir.resolve("absent.json"), Map.of("HEADROOM_GCP_PROJECT", "p9"));
    Path f = dir.resolve("sub/config.json");
    loader.save(s, f);
    assertThat(loader.load(f, Map.of())).isEqualTo(s);
    assertThat(s.gateway().routes()).extracting(GatewaySettings.RouteRule::name)
        .containsAll(List.of("work", "openai", "anthropic"));
  }
}
