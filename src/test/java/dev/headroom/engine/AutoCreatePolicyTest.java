package dev.headroom.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.config.AutoCreateSettings;
import dev.headroom.config.MemorySettings;
import dev.headroom.config.SettingsLoader;
import dev.headroom.core.MutableClock;
import dev.headroom.engine.Decision.Action;
import dev.headroom.engine.Decision.Trigger;
import dev.headroom.memory.MemorySample;
import dev.headroom.memory.MemoryState;
import dev.headroom.memory.Pressure;
import dev.headroom.memory.Projection;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AutoCreatePolicyTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private final MemorySettings memory = new SettingsLoader().defaults().memory();
  private final AutoCreateSettings enabled = new AutoCreateSettings(true, 2, 5, 30, false);
  private final AutoCreatePolicy policy = new AutoCreatePolicy(memory, enabled);
  private final MutableClock clock = new MutableClock(T0);
  private static final BigDecimal PRICE = new BigDecimal("0.0595");

  /** {@code seconds} readings one second apart ending at the clock's now, at {@code used} %. */
  private List<MemoryState> readings(int seconds, double used, Optional<Projection> lastProjection) {
    List<MemoryState> out = new ArrayList<>();
    for (int i = seconds - 1; i >= 0; i--) {
      Instant t = clock.instant().minusSeconds(i);
      long total = 1_000_000;
      MemorySample s = new MemorySample(t, total, Math.round(total * (100 - used) / 100), 0, 0, 0, 0);
      out.add(new MemoryState(s, Pressure.classify(used, 0, memory), i == 0 ? lastProjection : Optional.empty(), 0));
    }
    return out;
  }

  private PolicyInput input(List<MemoryState> recent) {
    return new PolicyInput(clock.instant(), recent, 0, Optional.empty(), true, Optional.of(PRICE),
        Optional.of(new BigDecimal("10")));
  }

  private List<MemoryState> sustainedHigh() {
    return readings(21, 90, Optional.empty()); // 20 s from the first to the last reading
  }

  @Test
  void pressureSustainedForTheWindowCreates() {
    Decision d = policy.decide(input(sustainedHigh()));
    assertThat(d.action()).isEqualTo(Action.CREATE);
    assertThat(d.trigger()).isEqualTo(Trigger.SUSTAINED);
    assertThat(d.time()).isEqualTo(T0);
  }

  @Test
  void pressureShorterThanTheWindowDoesNothing() {
    Decision d = policy.decide(input(readings(20, 90, Optional.empty()))); // 19 s
    assertThat(d.action()).isEqualTo(Action.NONE);
    assertThat(d.message()).contains("19 of 20 s");
  }

  @Test
  void aDipBelowTheThresholdRestartsTheWindow() {
    List<MemoryState> r = new ArrayList<>(sustainedHigh());
    clock.advance(Duration.ofSeconds(1));
    r.addAll(readings(1, 80, Optional.empty()));
    clock.advance(Duration.ofSeconds(10));
    r.addAll(readings(10, 90, Optional.empty()));
    assertThat(policy.decide(input(r)).action()).isEqualTo(Action.NONE);
  }

  @Test
  void projectionCrossingTheThresholdCreatesEarly() {
    Projection p = new Projection(0.5, 86, T0.plusSeconds(60));
    Decision d = policy.decide(input(readings(30, 70, Optional.of(p))));
    assertThat(d.action()).isEqualTo(Action.CREATE);
    assertThat(d.trigger()).isEqualTo(Trigger.PROJECTION);
  }

  @Test
  void projectionBelowTheThresholdDoesNothing() {
    Projection p = new Projection(0.1, 84.9, T0.plusSeconds(60));
    assertThat(policy.decide(input(readings(30, 70, Optional.of(p)))).action()).isEqualTo(Action.NONE);
  }

  @Test
  void disabledAutoCreateBlocks() {
    AutoCreatePolicy off = new AutoCreatePolicy(memory, new AutoCreateSettings(false, 2, 5, 30, false));
    Decision d = off.decide(input(sustainedHigh()));
    assertThat(d.action()).isEqualTo(Action.BLOCKED);
    assertThat(d.reason()).isEqualTo("AUTO_CREATE_DISABLED");
  }

  @Test
  void unconfiguredGcpBlocks() {
    PolicyInput in = new PolicyInput(T0, sustainedHigh(), 0, Optional.empty(), false, Optional.of(PRICE),
        Optional.of(BigDecimal.TEN));
    assertThat(policy.decide(in).reason()).isEqualTo("GCP_NOT_CONFIGURED");
  }

  @Test
  void maxConcurrentVmsBlocks() {
    PolicyInput in = new PolicyInput(T0, sustainedHigh(), 2, Optional.empty(), true, Optional.of(PRICE),
        Optional.of(BigDecimal.TEN));
    Decision d = policy.decide(in);
    assertThat(d.reason()).isEqualTo("MAX_CONCURRENT");
    assertThat(d.message()).contains("2 VM(s) already active or pending (max 2)");
  }

  @Test
  void oneLessThanMaxConcurrentStillCreates() {
    PolicyInput in = new PolicyInput(T0, sustainedHigh(), 1, Optional.empty(), true, Optional.of(PRICE),
        Optional.of(BigDecimal.TEN));
    assertThat(policy.decide(in).action()).isEqualTo(Action.CREATE);
  }

  @Test
  void cooldownBlocksUntilItHasElapsed() {
    PolicyInput during = new PolicyInput(T0, sustainedHigh(), 0, Optional.of(T0.minusSeconds(299)), true,
        Optional.of(PRICE), Optional.of(BigDecimal.TEN));
    assertThat(policy.decide(during).reason()).isEqualTo("COOLDOWN");
    PolicyInput after = new PolicyInput(T0, sustainedHigh(), 0, Optional.of(T0.minusSeconds(300)), true,
        Optional.of(PRICE), Optional.of(BigDecimal.TEN));
    assertThat(policy.decide(after).action()).isEqualTo(Action.CREATE);
  }

  @Test
  void unknownPriceFailsClosed() {
    PolicyInput in = new PolicyInput(T0, sustainedHigh(), 0, Optional.empty(), true, Optional.empty(),
        Optional.of(BigDecimal.TEN));
    assertThat(policy.decide(in).reason()).isEqualTo("PRICE_UNKNOWN");
  }

  @Test
  void unreadableSpendFailsClosed() {
    PolicyInput in = new PolicyInput(T0, sustainedHigh(), 0, Optional.empty(), true, Optional.of(PRICE),
        Optional.empty());
    assertThat(policy.decide(in).reason()).isEqualTo("SPEND_UNKNOWN");
  }

  @Test
  void budgetThatCannotCoverOneHourBlocks() {
    PolicyInput in = new PolicyInput(T0, sustainedHigh(), 0, Optional.empty(), true, Optional.of(PRICE),
        Optional.of(new BigDecimal("0.0594")));
    Decision d = policy.decide(in);
    assertThat(d.reason()).isEqualTo("BUDGET");
    assertThat(d.message()).contains("$0.0594").contains("$0.0595/h");
  }

  @Test
  void budgetCoveringExactlyOneHourCreates() {
    PolicyInput in = new PolicyInput(T0, sustainedHigh(), 0, Optional.empty(), true, Optional.of(PRICE),
        Optional.of(PRICE));
    assertThat(policy.decide(in).action()).isEqualTo(Action.CREATE);
  }

  @Test
  void noReadingsMeansNoTrigger() {
    assertThat(policy.decide(input(List.of())).action()).isEqualTo(Action.NONE);
  }
}
