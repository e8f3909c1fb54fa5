package dev.headroom.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class FormatTest {
  private final Format en = new Format(Locale.US);
  private final Format de = new Format(Locale.GERMANY);

  @Test
  void countsHaveThousandsSeparatorsOfTheLocale() {
    assertThat(en.count(1_234_567)).isEqualTo("1,234,567");
    assertThat(de.count(1_234_567)).isEqualTo("1.234.567");
    assertThat(en.count(12)).isEqualTo("12");
  }

  @Test
  void moneyFromOneDollarUpIsToTheCent() {
    assertThat(en.money(new BigDecimal("10"))).isEqualTo("$10.00");
    assertThat(en.money(new BigDecimal("1234.567"))).isEqualTo("$1,234.57");
    assertThat(en.money(new BigDecimal("1.004"))).isEqualTo("$1.00");
    assertThat(de.money(new BigDecimal("1234.5"))).isEqualTo("$1.234,50");
  }

  @Test
  void moneyBelowOneDollarKeepsFourSignificantDigits() {
    assertThat(en.money(new BigDecimal("0.0000612345"))).isEqualTo("$0.00006123");
    assertThat(en.money(new BigDecimal("0.123456"))).isEqualTo("$0.1235");
    assertThat(en.money(new BigDecimal("0.5"))).isEqualTo("$0.50");
    assertThat(en.money(new BigDecimal("0.0400"))).isEqualTo("$0.04");
    assertThat(en.money(new BigDecimal("0.99996"))).isEqualTo("$1.00");
  }

  @Test
  void zeroAndNegativeMoney() {
    assertThat(en.money(BigDecimal.ZERO)).isEqualTo("$0.00");
    assertThat(en.money(new BigDecimal("0E-10"))).isEqualTo("$0.00");
    assertThat(en.money(new BigDecimal("-2.5"))).isEqualTo("-$2.50");
  }

  @Test
  void pricePerHour() {
    assertThat(en.perHour(new BigDecimal("0.04512"))).isEqualTo("$0.04512/h");
  }

  @Test
  void durationsInAtMostTwoUnits() {
    assertThat(en.duration(Duration.ofSeconds(45))).isEqualTo("45 s");
    assertThat(en.duration(Duration.ofSeconds(192))).isEqualTo("3 min 12 s");
    assertThat(en.duration(Duration.ofMinutes(3))).isEqualTo("3 min");
    assertThat(en.duration(Duration.ofMinutes(125))).isEqualTo("2 h 05 min");
    assertThat(en.duration(Duration.ofHours(76))).isEqualTo("3 d 4 h");
    assertThat(en.duration(Duration.ofSeconds(-5))).isEqualTo("0 s");
  }

  @Test
  void binarySizes() {
    assertThat(en.bytes(16L * 1024 * 1024 * 1024)).isEqualTo("16.0 GiB");
    assertThat(en.bytes(13_000_000_000L)).isEqualTo("12.1 GiB");
    assertThat(en.bytes(512L * 1024 * 1024)).isEqualTo("512 MiB");
    assertThat(de.bytes(13_000_000_000L)).isEqualTo("12,1 GiB");
  }

  @Test
  void percentages() {
    assertThat(en.percent(85.26)).isEqualTo("85.3 %");
    assertThat(de.percent(85.26)).isEqualTo("85,3 %");
    assertThat(en.wholePercent(84.6)).isEqualTo("85 %");
  }
}
