package dev.headroom.memory;

import java.time.Instant;

/**
 * One reading of the machine's memory.
 *
 * @param pagesIn cumulative swap pages read in since boot
 * @param pagesOut cumulative swap pages written out since boot
 */
public record MemorySample(
    Instant time,
    long totalBytes,
    long availableBytes,
    long swapTotalBytes,
    long swapUsedBytes,
    long pagesIn,
    long pagesOut) {

  public long usedBytes() {
    return totalBytes - availableBytes;
  }

  /** Used RAM as a percentage of total (0 when total is unknown). */
  public double usedPercent() {
    return totalBytes <= 0 ? 0 : 100.0 * usedBytes() / totalBytes;
  }

  /** Used swap as a percentage of swap total (0 when there is no swap). */
  public double swapPercent() {
    return swapTotalBytes <= 0 ? 0 : 100.0 * swapUsedBytes / swapTotalBytes;
  }
}
