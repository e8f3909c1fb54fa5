package dev.headroom.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProjectionTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final Duration MINUTE = Duration.ofSeconds(60);

  private static MemorySample at(int second, double usedPercent) {
    long total = 1_000_000;
    return new MemorySample(T0.plusSeconds(second), total, Math.round(total * (100 - usedPercent) / 100), 0, 0, 0, 0);
  }

  @Test
  void risingLineProjectsAheadAlongItsSlope() {
    List<MemorySample> samples = new ArrayList<>();
    for (int s = 0; s <= 60; s++) {
      samples.add(at(s, 50 + 0.25 * s)); // +0.25 %/s, at 65 % after 60 s
    }
    Projection p = Projection.fit(samples, MINUTE, MINUTE).orElseThrow();
    assertThat(p.slopePercentPerSecond()).isCloseTo(0.25, within(1e-3));
    assertThat(p.projectedPercent()).isCloseTo(80.0, within(0.01));
    assertThat(p.at()).isEqualTo(T0.plusSeconds(120));
  }

  @Test
  void noisyFlatLineProjectsItsMean() {
    List<MemorySample> samples = new ArrayList<>();
    for (int s = 0; s <= 60; s++) {
      samples.add(at(s, s % 2 == 0 ? 59 : 61));
    }
    Projection p = Projection.fit(samples, MINUTE, MINUTE).orElseThrow();
    assertThat(p.projectedPercent()).isCloseTo(60.0, within(0.2));
  }

  @Test
  void onlySamplesInsideTheWindowCount() {
    List<MemorySample> samples = new ArrayList<>();
    samples.add(at(0, 10)); // far outside the window: would bend the fit if used
    for (int s = 100; s <= 160; s++) {
      samples.add(at(s, 70));
    }
    Projection p = Projection.fit(samples, MINUTE, MINUTE).orElseThrow();
    assertThat(p.slopePercentPerSecond()).isCloseTo(0, within(1e-9));
    assertThat(p.projectedPercent()).isCloseTo(70, within(1e-6));
  }

  @Test
  void tooFewOrTooShortDataGiveNoProjection() {
    assertThat(Projection.fit(List.of(), MINUTE, MINUTE)).isEmpty();
    assertThat(Projection.fit(List.of(at(0, 50), at(1, 51)), MINUTE, MINUTE)).isEmpty();
    assertThat(Projection.fit(List.of(at(0, 50), at(1, 51), at(2, 52), at(3, 53)), MINUTE, MINUTE)).isEmpty();
  }

  @Test
  void projectionIsClampedToOneHundred() {
    List<MemorySample> samples = new ArrayList<>();
    for (int s = 0; s <= 30; s++) {
      samples.add(at(s, 60 + s));
    }
    assertThat(Projection.fit(samples, MINUTE, MINUTE).orElseThrow().projectedPercent()).isEqualTo(100.0);
  }
}
