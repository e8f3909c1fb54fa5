package dev.headroom.ui;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.NumberFormat;
import java.time.Duration;
import java.util.Locale;

/**
 * How the dashboard writes numbers: locale-aware digits and thousands separators; money to the cent from $1 up and to
 * four significant digits below (so $0.00006 is not shown as $0.0001 nor $0.00); durations in words; binary sizes.
 * Immutable; one instance per locale.
 *
 * <pre>{@code
 * Format f = Format.DEFAULT;
 * f.money(new BigDecimal("1234.5"));    // "$1,234.50" (en)
 * f.money(new BigDecimal("0.0000612")); // "$0.0000612"
 * f.count(1234567);                     // "1,234,567"
 * f.duration(Duration.ofMinutes(75));   // "1 h 15 min"
 * }</pre>
 */
public final class Format {
  /** The user's formatting locale. */
  public static final Format DEFAULT = new Format(Locale.getDefault(Locale.Category.FORMAT));

  private static final BigDecimal GIB = BigDecimal.valueOf(1024L * 1024 * 1024);
  private final Locale locale;
  private final DecimalFormatSymbols symbols;

  public Format(Locale locale) {
    this.locale = locale;
    this.symbols = DecimalFormatSymbols.getInstance(locale);
  }

  public Locale locale() {
    return locale;
  }

  /** A count with thousands separators: {@code 1,234,567}. */
  public String count(long n) {
    return NumberFormat.getIntegerInstance(locale).format(n);
  }

  /**
   * US dollars: to the cent at or above $1 ({@code $1,234.50}); below $1, four significant digits with at least two
   * decimals ({@code $0.50}, {@code $0.1235}, {@code $0.0000612}); zero is {@code $0.00}.
   */
  public String money(BigDecimal usd) {
    BigDecimal abs = usd.abs();
    String sign = usd.signum() < 0 ? "-" : "";
    if (abs.signum() == 0) {
      return sign + "$" + decimals(BigDecimal.ZERO, 2, 2);
    }
    if (abs.compareTo(BigDecimal.ONE) >= 0) {
      return sign + "$" + decimals(abs.setScale(2, RoundingMode.HALF_UP), 2, 2);
    }
    BigDecimal r = abs.round(new MathContext(4, RoundingMode.HALF_UP));
    if (r.compareTo(BigDecimal.ONE) >= 0) { // 0.99996 rounds up to a dollar
      return sign + "$" + decimals(r.setScale(2, RoundingMode.HALF_UP), 2, 2);
    }
    int scale = Math.max(2, r.stripTrailingZeros().scale());
    return sign + "$" + decimals(r, 2, scale);
  }

  /** A price per hour: {@code $0.0451/h}. */
  public String perHour(BigDecimal usd) {
    return money(usd) + "/h";
  }

  /** A percentage with one decimal: {@code 85.3 %}. */
  public String percent(double p) {
    return decimals(BigDecimal.valueOf(p).setScale(1, RoundingMode.HALF_UP), 1, 1) + " %";
  }

  /** Whole percent: {@code 85 %}. */
  public String wholePercent(double p) {
    return count(Math.round(p)) + " %";
  }

  /** Bytes in GiB with one decimal ({@code 12.3 GiB}), or MiB below one GiB ({@code 512 MiB}). */
  public String bytes(long bytes) {
    if (Math.abs(bytes) < 1024L * 1024 * 1024) {
      return count(Math.round(bytes / (1024.0 * 1024))) + " MiB";
    }
    return decimals(BigDecimal.valueOf(bytes).divide(GIB, 1, RoundingMode.HALF_UP), 1, 1) + " GiB";
  }

  /**
   * A duration in words, two units at most: {@code 45 s}, {@code 3 min 12 s}, {@code 2 h 05 min}, {@code 3 d 4 h}.
   * Negative durations read as zero.
   */
  public String duration(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      long sec = s % 60;
      return (s / 60) + " min" + (sec == 0 ? "" : " " + sec + " s");
    }
    if (s < 86_400) {
      long min = (s % 3600) / 60;
      return (s / 3600) + " h" + (min == 0 ? "" : String.format(locale, " %02d min", min));
    }
    long h = (s % 86_400) / 3600;
    return count(s / 86_400) + " d" + (h == 0 ? "" : " " + h + " h");
  }

  /** A plain decimal with {@code min}..{@code max} fraction digits and grouping, in this locale. */
  public String decimals(BigDecimal v, int min, int max) {
    DecimalFormat f = new DecimalFormat("#,##0", symbols);
    f.setMinimumFractionDigits(min);
    f.setMaximumFractionDigits(max);
    f.setRoundingMode(RoundingMode.HALF_UP);
    return f.format(v);
  }
}
