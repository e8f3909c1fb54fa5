package dev.headroom.config;

/**
 * Memory sampling and pressure.
 *
 * @param thresholdPercent used-RAM percentage at which pressure is HIGH and auto-create is considered
 * @param criticalPercent used-RAM percentage at which pressure is CRITICAL
 * @param swapCriticalPagesPerSecond swap page-outs per second that count as "swapping hard" (CRITICAL)
 * @param sustainedSeconds how long pressure must stay at or above the threshold to trigger auto-create
 * @param projectionSeconds how far ahead the least-squares projection looks (and over how much history)
 * @param trayMinIntervalSeconds fastest tray sampling interval (under pressure)
 * @param trayMaxIntervalSeconds slowest tray sampling interval (when relaxed)
 */
public record MemorySettings(
    double thresholdPercent,
    double criticalPercent,
    double swapCriticalPagesPerSecond,
    int sustainedSeconds,
    int projectionSeconds,
    int trayMinIntervalSeconds,
    int trayMaxIntervalSeconds) {}
