package dev.headroom.memory;

import java.time.Instant;
import java.util.List;

/**
 * Where memory readings come from. {@link OshiMemorySource} reads the real machine; tests script their own.
 *
 * <pre>{@code
 * MemorySource source = new OshiMemorySource();
 * MemorySample now = source.sample(clock.instant());
 * List<ProcessMemory> top = source.topProcesses(8);
 * }</pre>
 */
public interface MemorySource {
  /** Reads memory now, stamped with {@code time}. Must be cheap: it runs every second. */
  MemorySample sample(Instant time);

  /** The {@code limit} processes using the most resident memory, largest first. Expensive: call rarely. */
  List<ProcessMemory> topProcesses(int limit);
}
