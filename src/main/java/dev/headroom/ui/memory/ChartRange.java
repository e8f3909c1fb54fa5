package dev.headroom.ui.memory;

import java.time.Duration;

/** The time spans the memory chart offers. */
public enum ChartRange {
  FIVE_MINUTES("5 min", Duration.ofMinutes(5)),
  ONE_HOUR("1 h", Duration.ofHours(1)),
  ONE_DAY("24 h", Duration.ofHours(24));

  private final String label;
  private final Duration span;

  ChartRange(String label, Duration span) {
    this.label = label;
    this.span = span;
  }

  public Duration span() {
    return span;
  }

  @Override
  public String toString() {
    return label;
  }
}
