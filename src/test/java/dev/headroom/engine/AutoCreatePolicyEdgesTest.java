package dev.headroom.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.config.AutoCreateSettings;
import dev.headroom.config.MemorySettings;
import dev.headroom.memory.MemorySample;
import dev.headroom.memory.MemoryState;
import dev.headroom.memory.Pressure;
import dev.headroom.memory.Projection;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The policy's triggers exactly at the threshold, and the wording of its verdicts. */
class AutoCreatePolicyEdgesTest {
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  private final MemorySettings memory = new MemorySettings(85, 95, 500, 20, 60, 2, 10);
  private final AutoCreatePolicy policy = new AutoCreatePolicy(memory, new AutoCreateSettings(true, 2, 5, 30, false));

  private static MemoryState at(Instant t, double used, Optional<Projection> p) {
    // 1 000 000 bytes so that used % is exact
    MemorySample s = new MemorySample(t, 1_000_000, Math.round(1_000_000 * (100 - used) / 100), 0, 0, 0, 0);
    return new MemoryState(s, Pressure.NORMAL, p, 0);
  }

  private Decision decide(List<MemoryState> recent) {
    return policy.decide(new PolicyInput(NOW, recent, 0, Optional.empty(), true,
        Optional.of(new BigDecimal("0.06")), Optional.of(new BigDecimal("12.3456"))));
  }

  @Test
  void readingsExactlyAtTheThresholdCountAsAbove() {
    Decision d = decide(List.of(at(NOW.minusSeconds(20), 85, Optional.empty()), at(NOW, 85, Optional.empty())));

    assertThat(d.action()).isEqualTo(Decision.Action.CREATE);
    assertThat(d.trigger()).isEqualTo(Decision.Trigger.SUSTAINED);
    assertThat(d.reason()).isEqualTo("SUSTAINED");
    assertThat(d.message()).isEqualTo("Create: memory at or above 85 % for 20 s ($0.06/h, $12.3456 left today)");
  }

  @Test
  void aProjectionExactlyAtTheThresholdTriggers() {
    Decision d = decide(List.of(at(NOW, 70, Optional.of(new Projection(0.25, 85, NOW.plusSeconds(60))))));

    assertThat(d.trigger()).isEqualTo(Decision.Trigger.PROJECTION);
    assertThat(d.message()).isEqualTo("Create: projected to reach 85.0 % within 60 s (threshold 85 %) ($0.06/h,"
        + " $12.3456 left today)");
    assertThat(decide(List.of(at(NOW, 70, Optional.of(new Projection(0.25, 84.99, NOW.plusSeconds(60))))))
        .action()).isEqualTo(Decision.Action.NONE);
  }

  @Test
  void belowTheThresholdSaysSoAndAPartialRunSaysHowLong() {
    Decision below = decide(List.of(at(NOW, 84.9, Optional.empty())));
    assertThat(below.reason()).isEqualTo("NO_TRIGGER");
    assertThat(below.trigger()).isEqualTo(Decision.Trigger.NONE);
    assertThat(below.message()).isEqualTo("memory below 85 %");

    Decision partial = decide(List.of(at(NOW.minusSeconds(30), 90, Optional.empty()),
        at(NOW.minusSeconds(12), 84, Optional.empty()), at(NOW.minusSeconds(11), 86, Optional.empty()),
        at(NOW, 88, Optional.empty())));
    assertThat(partial.message()).isEqualTo("memory above 85 % for 11 of 20 s");
  }

  @Test
  void aRunThatStartsWithTheLatestReadingIsAboveNotBelow() {
    Decision justStarted = decide(List.of(at(NOW.minusSeconds(5), 60, Optional.empty()),
        at(NOW, 85, Optional.empty())));
    assertThat(justStarted.reason()).isEqualTo("NO_TRIGGER");
    assertThat(justStarted.message()).isEqualTo("memory above 85 % for 0 of 20 s");
  }

  @Test
  void theRunIsTimedFromItsFirstReadingToNow() {
    List<MemoryState> run = List.of(at(NOW.minusSeconds(50), 99, Optional.empty()),
        at(NOW.minusSeconds(40), 10, Optional.empty()), at(NOW.minusSeconds(7), 90, Optional.empty()),
        at(NOW.minusSeconds(3), 91, Optional.empty()));

    assertThat(AutoCreatePolicy.timeAbove(run, 85, NOW)).isEqualTo(Duration.ofSeconds(7));
    assertThat(AutoCreatePolicy.timeAbove(run, 91, NOW)).isEqualTo(Duration.ofSeconds(3));
    assertThat(AutoCreatePolicy.timeAbove(run, 92, NOW)).isZero();
    assertThat(AutoCreatePolicy.timeAbove(List.of(), 85, NOW)).isZero();
  }

  @Test
  void aBlockedVerdictNamesTheGuardAndItsFigures() {
    AutoCreatePolicy p = new AutoCreatePolicy(memory, new AutoCreateSettings(true, 1, 5, 30, false));
    List<MemoryState> hot = List.of(at(NOW.minusSeconds(20), 90, Optional.empty()), at(NOW, 90, Optional.empty()));

    Decision max = p.decide(new PolicyInput(NOW, hot, 1, Optional.empty(), true, Optional.of(BigDecimal.ONE),
        Optional.of(BigDecimal.TEN)));
    assertThat(max.message()).isEqualTo("Blocked: memory at or above 85 % for 20 s, but 1 VM(s) already active or"
        + " pending (max 1)");
    Decision cooldown = p.decide(new PolicyInput(NOW, hot, 0, Optional.of(NOW.minusSeconds(299)), true,
        Optional.of(BigDecimal.ONE), Optional.of(BigDecimal.TEN)));
    assertThat(cooldown.reason()).isEqualTo("COOLDOWN");
    assertThat(cooldown.message()).endsWith("but the last create was 299 s ago (cooldown 300 s)");
    assertThat(p.decide(new PolicyInput(NOW, hot, 0, Optional.of(NOW.minusSeconds(300)), true,
        Optional.of(BigDecimal.ONE), Optional.of(BigDecimal.TEN))).action()).isEqualTo(Decision.Action.CREATE);
    Decision budget = p.decide(new PolicyInput(NOW, hot, 0, Optional.empty(), true,
        Optional.of(new BigDecimal("0.123456")), Optional.of(new BigDecimal("0.1"))));
    assertThat(budget.message()).endsWith("but today's budget left ($0.1) does not cover one hour ($0.1235/h)");
  }
}
