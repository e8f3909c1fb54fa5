package dev.headroom.memory;

import java.util.Optional;

/**
 * A classified reading: what listeners of {@link MemoryMonitor} receive.
 *
 * @param projection the trend projected {@code memory.projectionSeconds} ahead, when there is enough history
 * @param pagesOutPerSecond swap page-out rate since the previous reading
 */
public record MemoryState(
    MemorySample sample, Pressure pressure, Optional<Projection> projection, double pagesOutPerSecond) {}
