package dev.headroom.ui.cost;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/** The spans the cost chart offers: today as a curve, longer spans as one bar per day. */
public enum CostRange {
  TODAY("Today"),
  WEEK("7 d"),
  THIRTY_DAYS("30 d"),
  MONTH("This month");

  private final String label;

  CostRange(String label) {
    this.label = label;
  }

  /** Where the range starts (local midnight), for {@code now} in {@code zone}. */
  public Instant from(Instant now, ZoneId zone) {
    LocalDate today = now.atZone(zone).toLocalDate();
    LocalDate start = switch (this) {
      case TODAY -> today;
      case WEEK -> today.minusDays(6);
      case THIRTY_DAYS -> today.minusDays(29);
      case MONTH -> today.withDayOfMonth(1);
    };
    return start.atStartOfDay(zone).toInstant();
  }

  /** One bar per day rather than a curve. */
  public boolean perDay() {
    return this != TODAY;
  }

  @Override
  public String toString() {
    return label;
  }
}
