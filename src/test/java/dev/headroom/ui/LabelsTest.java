package dev.headroom.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.engine.Decision;
import dev.headroom.gateway.Policy;
import dev.headroom.memory.Pressure;
import dev.headroom.spot.VmState;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LabelsTest {

  @Test
  void everyEnumTheViewsShowHasWordsOfItsOwn() {
    for (Enum<?>[] values : new Enum<?>[][] {Policy.values(), VmState.values(), Pressure.values(),
        Decision.Action.values(), Decision.Trigger.values()}) {
      Arrays.stream(values).forEach(v -> {
        Labels.Human h = Labels.of(v);
        assertThat(h.text()).as(v.name()).doesNotContain("_").isNotEqualTo(v.name());
        assertThat(h.explanation()).as(v.name()).isNotEmpty();
      });
    }
  }

  @Test
  void policyAndReasonReadAsWordsWithTheCodeInTheTooltip() {
    assertThat(Labels.of("CLOUD_WHEN_PRESSURED").text()).isEqualTo("Cloud under memory pressure");
    Labels.Human off = Labels.of("AUTO_CREATE_DISABLED");
    assertThat(off.text()).isEqualTo("Auto-create off");
    assertThat(off.tooltip()).contains("Preferences").endsWith("Code: AUTO_CREATE_DISABLED");
    assertThat(Labels.of("NO_TRIGGER").text()).isEqualTo("Memory fine");
  }

  @Test
  void everyPolicyReasonHasWords() {
    for (String reason : new String[] {"NO_TRIGGER", "AUTO_CREATE_DISABLED", "GCP_NOT_CONFIGURED", "MAX_CONCURRENT",
        "COOLDOWN", "PRICE_UNKNOWN", "SPEND_UNKNOWN", "BUDGET", "REAP_IDLE", "REAP_MAX_LIFETIME", "OK", "WARN_50",
        "WARN_90", "OVER", "GENERIC", "OPENAI", "ANTHROPIC", "local", "cloud", "none"}) {
      assertThat(Labels.of(reason).explanation()).as(reason).isNotEmpty();
    }
  }

  @Test
  void anUnknownCodeStillReadsAsWords() {
    Labels.Human h = Labels.of("BACKEND_PORT_UNREACHABLE");
    assertThat(h.text()).isEqualTo("Backend port unreachable");
    assertThat(h.tooltip()).isEqualTo("Code: BACKEND_PORT_UNREACHABLE");
    assertThat(Labels.of("").text()).isEqualTo("—");
  }
}
