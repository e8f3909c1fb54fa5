package dev.headroom.memory;

import java.time.Instant;
import java.util.List;
import oshi.SystemInfo;
import oshi.hardware.GlobalMemory;
import oshi.hardware.VirtualMemory;
import oshi.software.os.OperatingSystem;

/** {@link MemorySource} on OSHI's {@code GlobalMemory} and {@code VirtualMemory}. */
public final class OshiMemorySource implements MemorySource {
  private final GlobalMemory memory;
  private final VirtualMemory virtual;
  private final OperatingSystem os;

  public OshiMemorySource() {
    SystemInfo si = new SystemInfo();
    this.memory = si.getHardware().getMemory();
    this.virtual = memory.getVirtualMemory();
    this.os = si.getOperatingSystem();
  }

  @Override
  public MemorySample sample(Instant time) {
    return new MemorySample(time, memory.getTotal(), memory.getAvailable(), virtual.getSwapTotal(),
        virtual.getSwapUsed(), virtual.getSwapPagesIn(), virtual.getSwapPagesOut());
  }

  @Override
  public List<ProcessMemory> topProcesses(int limit) {
    return os.getProcesses(p -> p.getResidentMemory() > 0, OperatingSystem.ProcessSorting.RSS_DESC, limit)
        .stream()
        .map(p -> new ProcessMemory(p.getProcessID(), p.getName(), p.getResidentMemory()))
        .toList();
  }
}
