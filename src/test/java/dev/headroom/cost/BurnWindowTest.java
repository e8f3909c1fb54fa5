package dev.headroom.cost;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The per-second burn buckets: which seconds count, bucket reuse, and the scaling to an hour. */
class BurnWindowTest {
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  private final BurnWindow burn = new BurnWindow();

  @Test
  void theWindowHoldsTheLast600SecondsNowIncluded() {
    burn.add(NOW, new BigDecimal("1"), NOW);
    burn.add(NOW.minusSeconds(599), new BigDecimal("2"), NOW);
    burn.add(NOW.minusSeconds(600), new BigDecimal("4"), NOW); // just out: ignored

    assertThat(burn.sum(NOW)).isEqualByComparingTo("3");
    assertThat(burn.sum(NOW.plusSeconds(1))).as("a second later the oldest second drops out")
        .isEqualByComparingTo("1");
    assertThat(burn.sum(NOW.plusSeconds(600))).isEqualByComparingTo("0");
  }

  @Test
  void spendWithinOneSecondAddsUpInOneBucket() {
    burn.add(NOW.plusMillis(100), new BigDecimal("0.25"), NOW);
    burn.add(NOW.plusMillis(900), new BigDecimal("0.5"), NOW);

    assertThat(burn.sum(NOW)).isEqualByComparingTo("0.75");
  }

  @Test
  void aBucketReusedTenMinutesLaterStartsFromZero() {
    burn.add(NOW, new BigDecimal("5"), NOW);
    Instant later = NOW.plusSeconds(600); // same slot
    burn.add(later, new BigDecimal("1"), later);

    assertThat(burn.sum(later)).isEqualByComparingTo("1");
  }

  @Test
  void slightlyFutureSpendIsKeptAndCountsOnceItsSecondArrives() {
    burn.add(NOW.plusSeconds(600), new BigDecimal("7"), NOW); // clock skew of a client: kept
    burn.add(NOW.plusSeconds(601), new BigDecimal("100"), NOW); // too far ahead: ignored

    assertThat(burn.sum(NOW)).isEqualByComparingTo("0");
    assertThat(burn.sum(NOW.plusSeconds(600))).isEqualByComparingTo("7");
    assertThat(burn.sum(NOW.plusSeconds(601))).isEqualByComparingTo("7");
  }

  @Test
  void spendBeforeTheEpochIsBucketedToo() {
    Instant early = Instant.ofEpochSecond(-5);
    burn.add(early, new BigDecimal("3"), early);

    assertThat(burn.sum(early)).isEqualByComparingTo("3");
  }

  @Test
  void perHourIsTheWindowTimesSix() {
    burn.add(NOW.minusSeconds(30), new BigDecimal("0.125"), NOW);
    burn.add(NOW, new BigDecimal("0.375"), NOW);

    assertThat(burn.perHour(NOW)).isEqualByComparingTo("3.0");
    assertThat(new BurnWindow().perHour(NOW)).isEqualByComparingTo("0");
  }
}
