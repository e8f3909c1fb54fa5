package dev.headroom.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.headroom.config.MemorySettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The projection's minimum data exactly at its limits, the pressure levels at theirs, and minute folding. */
class ProjectionEdgesTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  private static MemorySample used(Instant t, double percent) {
    return new MemorySample(t, 1_000_000, Math.round(1_000_000 * (100 - percent) / 100), 0, 0, 0, 0);
  }

  @Test
  void threeReadingsOverFiveSecondsAreEnough() {
    List<MemorySample> s = List.of(used(T0, 50), used(T0.plusMillis(2500), 55), used(T0.plusSeconds(5), 60));

    Projection p = Projection.fit(s, Duration.ofSeconds(60), Duration.ofSeconds(10)).orElseThrow();

    assertThat(p.slopePercentPerSecond()).isCloseTo(2.0, within(1e-9));
    assertThat(p.projectedPercent()).isCloseTo(80.0, within(1e-9));
    assertThat(p.at()).isEqualTo(T0.plusSeconds(15));
  }

  @Test
  void twoReadingsOrUnderFiveSecondsAreNot() {
    assertThat(Projection.fit(List.of(used(T0, 50), used(T0.plusSeconds(9), 60)), Duration.ofSeconds(60),
        Duration.ofSeconds(10))).isEmpty();
    assertThat(Projection.fit(List.of(used(T0, 50), used(T0.plusSeconds(2), 55), used(T0.plusMillis(4999), 60)),
        Duration.ofSeconds(60), Duration.ofSeconds(10))).isEmpty();
    assertThat(Projection.fit(List.of(), Duration.ofSeconds(60), Duration.ofSeconds(10))).isEmpty();
  }

  @Test
  void aReadingExactlyOneWindowBeforeTheLastIsLeftOut() {
    List<MemorySample> s = List.of(used(T0, 0), used(T0.plusSeconds(10), 50), used(T0.plusSeconds(15), 50),
        used(T0.plusSeconds(20), 50));

    Projection p = Projection.fit(s, Duration.ofSeconds(20), Duration.ofSeconds(10)).orElseThrow();

    assertThat(p.slopePercentPerSecond()).isCloseTo(0.0, within(1e-9));
    assertThat(p.projectedPercent()).isCloseTo(50.0, within(1e-9));
  }

  @Test
  void aFallingTrendIsClampedAtZero() {
    List<MemorySample> s = List.of(used(T0, 30), used(T0.plusSeconds(5), 20), used(T0.plusSeconds(10), 10));

    assertThat(Projection.fit(s, Duration.ofSeconds(60), Duration.ofSeconds(60)).orElseThrow().projectedPercent())
        .isZero();
  }

  @Test
  void pressureLevelsStartExactlyAtTheirLimits() {
    MemorySettings m = new MemorySettings(85, 95, 500, 20, 60, 2, 10);
    assertThat(Pressure.classify(84.99, 499.9, m)).isEqualTo(Pressure.NORMAL);
    assertThat(Pressure.classify(85, 0, m)).isEqualTo(Pressure.HIGH);
    assertThat(Pressure.classify(95, 0, m)).isEqualTo(Pressure.CRITICAL);
    assertThat(Pressure.classify(10, 500, m)).isEqualTo(Pressure.CRITICAL);
    assertThat(Pressure.HIGH.atLeast(Pressure.HIGH)).isTrue();
    assertThat(Pressure.HIGH.atLeast(Pressure.CRITICAL)).isFalse();
    assertThat(Pressure.CRITICAL.atLeast(Pressure.NORMAL)).isTrue();
  }

  @Test
  void samplePercentagesAreZeroWithoutTotals() {
    MemorySample none = new MemorySample(T0, 0, 0, 0, 5, 0, 0);
    assertThat(none.usedPercent()).isZero();
    assertThat(none.swapPercent()).isZero();
    MemorySample some = new MemorySample(T0, 200, 50, 400, 100, 0, 0);
    assertThat(some.usedBytes()).isEqualTo(150);
    assertThat(some.usedPercent()).isEqualTo(75.0);
    assertThat(some.swapPercent()).isEqualTo(25.0);
  }

  @Test
  void aMinuteFoldsMeansMinimumAndLastCountersAndNeedsSamples() {
    MinuteAggregate m = MinuteAggregate.of(List.of(
        new MemorySample(T0.plusSeconds(5), 100, 40, 10, 2, 1, 2),
        new MemorySample(T0.plusSeconds(35), 300, 10, 30, 5, 7, 9)));

    assertThat(m.mean()).isEqualTo(new MemorySample(T0, 200, 25, 20, 3, 7, 9));
    assertThat(m.minAvailableBytes()).isEqualTo(10);
    assertThat(m.samples()).isEqualTo(2);
    assertThatThrownBy(() -> MinuteAggregate.of(List.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no samples to aggregate");
  }
}
