package dev.headroom.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A memory source whose used percentage tests set; 16 GiB of RAM, 2 GiB of swap. */
public final class ScriptedMemorySource implements MemorySource {
  public static final long TOTAL = 16L << 30;
  private volatile double usedPercent = 50;
  private volatile long pagesOut;
  private final List<ProcessMemory> processes = new ArrayList<>();

  public void setUsedPercent(double percent) {
    this.usedPercent = percent;
  }

  public void addPagesOut(long pages) {
    this.pagesOut += pages;
  }

  public void setProcesses(List<ProcessMemory> list) {
    synchronized (processes) {
      processes.clear();
      processes.addAll(list);
    }
  }

  @Override
  public MemorySample sample(Instant time) {
    long available = Math.round(TOTAL * (100 - usedPercent) / 100.0);
    return new MemorySample(time, TOTAL, available, 2L << 30, 256L << 20, 0, pagesOut);
  }

  @Override
  public List<ProcessMemory> topProcesses(int limit) {
    synchronized (processes) {
      return List.copyOf(processes.subList(0, Math.min(limit, processes.size())));
    }
  }
}
