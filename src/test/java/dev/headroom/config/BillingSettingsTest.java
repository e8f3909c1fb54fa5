package dev.headroom.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.AppException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The billing-export settings of issue 13: defaults, environment overrides, validation naming the field. */
class BillingSettingsTest {
  @TempDir Path dir;
  private final SettingsLoader loader = new SettingsLoader();

  @Test
  void defaultsLeaveTheExportUnconfiguredAndRefreshEvery15Minutes() {
    Settings s = loader.defaults();

    assertThat(s.gcp().billingExportTable()).isEmpty();
    assertThat(s.gcp().billingProjects()).isEmpty();
    assertThat(s.gcp().billingRefreshMinutes()).isEqualTo(15);
    assertThat(s.gcp().bigqueryEndpoint()).isEmpty();
    assertThat(s.cost().spikeThresholdUsd()).isEqualByComparingTo("5");
    assertThat(s.cost().serviceGroups()).isEmpty();
  }

  @Test
  void environmentOverridesTheBillingSettings() {
    Settings s = loader.load(dir.resolve("absent.json"), Map.of(
        "HEADROOM_GCP_BILLING_EXPORT_TABLE", "my-billing.export.gcp_billing_export_v1_01A2B3_C4D5E6_F7A8B9",
        "HEADROOM_GCP_BIGQUERY_ENDPOINT", "http://127.0.0.1:9050",
        "HEADROOM_GCP_BILLING_PROJECTS", "acme-dev,acme-ml",
        "HEADROOM_GCP_BILLING_REFRESH_MINUTES", "30",
        "HEADROOM_COST_SPIKE_THRESHOLD_USD", "2.50"));

    assertThat(s.gcp().billingExportTable()).isEqualTo("my-billing.export.gcp_billing_export_v1_01A2B3_C4D5E6_F7A8B9");
    assertThat(s.gcp().bigqueryEndpoint()).isEqualTo("http://127.0.0.1:9050");
    assertThat(s.gcp().billingProjects()).isEqualTo(List.of("acme-dev", "acme-ml"));
    assertThat(s.gcp().billingRefreshMinutes()).isEqualTo(30);
    assertThat(s.cost().spikeThresholdUsd()).isEqualByComparingTo("2.50");
  }

  @Test
  void serviceGroupsComeFromTheConfigFile() throws Exception {
    Path f = Files.writeString(dir.resolve("c.json"),
        "{\"cost\": {\"serviceGroups\": {\"ai_ml\": [\"Vertex AI\", \"Gemini API\"]}}}");

    assertThat(loader.load(f, Map.of()).cost().serviceGroups())
        .containsEntry("ai_ml", List.of("Vertex AI", "Gemini API"));
  }

  @Test
  void tableMustBeProjectDatasetTable() {
    for (String bad : List.of("gcp_billing_export_v1_X", "p.d", "my-proj.ds.t`; DROP", "my-proj.ds.t.x")) {
      assertThatThrownBy(() -> loader.load(dir.resolve("absent.json"), Map.of("HEADROOM_GCP_BILLING_EXPORT_TABLE",
          bad))).isInstanceOf(AppException.class)
          .hasMessageStartingWith("Invalid setting 'gcp.billingExportTable': must be PROJECT.DATASET.TABLE");
    }
  }

  @Test
  void endpointsFollowTheComputeEndpointRules() {
    for (String field : List.of("BIGQUERY", "BUDGETS", "RECOMMENDER")) {
      assertThatThrownBy(() -> loader.load(dir.resolve("absent.json"), Map.of("HEADROOM_GCP_" + field + "_ENDPOINT",
          "http://127.0.0.1:9050/"))).isInstanceOf(AppException.class)
          .hasMessageContaining("gcp." + field.toLowerCase() + "Endpoint").hasMessageContaining("no trailing slash");
    }
  }

  @Test
  void refreshIntervalAndSpikeThresholdAreBounded() {
    assertThatThrownBy(() -> loader.load(dir.resolve("absent.json"), Map.of("HEADROOM_GCP_BILLING_REFRESH_MINUTES",
        "0"))).hasMessageStartingWith("Invalid setting 'gcp.billingRefreshMinutes'");
    assertThatThrownBy(() -> loader.load(dir.resolve("absent.json"), Map.of("HEADROOM_COST_SPIKE_THRESHOLD_USD",
        "0"))).hasMessageStartingWith("Invalid setting 'cost.spikeThresholdUsd'");
    assertThatThrownBy(() -> loader.load(dir.resolve("absent.json"), Map.of("HEADROOM_GCP_BILLING_PROJECTS",
        "Bad_Project"))).hasMessageStartingWith("Invalid setting 'gcp.billingProjects'");
  }
}
