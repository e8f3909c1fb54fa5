package dev.headroom.memory;

import dev.headroom.config.MemorySettings;

/** How short the machine is of memory. */
public enum Pressure {
  NORMAL,
  HIGH,
  CRITICAL;

  /**
   * Classifies a reading: CRITICAL at or above the critical percentage or when swapping hard, HIGH at or above
   * the threshold, NORMAL otherwise.
   *
   * @param pagesOutPerSecond swap page-out rate since the previous reading
   */
  public static Pressure classify(double usedPercent, double pagesOutPerSecond, MemorySettings settings) {
    if (usedPercent >= settings.criticalPercent() || pagesOutPerSecond >= settings.swapCriticalPagesPerSecond()) {
      return CRITICAL;
    }
    if (usedPercent >= settings.thresholdPercent()) {
      return HIGH;
    }
    return NORMAL;
  }

  public boolean atLeast(Pressure other) {
    return compareTo(other) >= 0;
  }
}
