package dev.headroom.memory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Linux fast path: one read each of {@code /proc/meminfo} and {@code /proc/vmstat} into a reused buffer, parsed
 * without allocation. OSHI answers the same questions with one file read and regex parse per getter (measured at
 * ~240 µs a sample here, against a 50 µs budget); this reads ~10x faster. Processes still come from OSHI.
 */
public final class ProcMemorySource implements MemorySource {
  private static final Path MEMINFO = Path.of("/proc/meminfo");
  private static final Path VMSTAT = Path.of("/proc/vmstat");

  private final MemorySource processes;
  private final RandomAccessFile meminfo;
  private final RandomAccessFile vmstat;
  private final byte[] buf = new byte[16 * 1024];

  private ProcMemorySource(MemorySource processes) throws IOException {
    this.processes = processes;
    this.meminfo = new RandomAccessFile(MEMINFO.toFile(), "r");
    this.vmstat = new RandomAccessFile(VMSTAT.toFile(), "r");
  }

  /** The fastest source for this OS: this one on Linux, else {@link OshiMemorySource}. */
  public static MemorySource forThisMachine() {
    OshiMemorySource oshi = new OshiMemorySource();
    if (Files.isReadable(MEMINFO) && Files.isReadable(VMSTAT)) {
      try {
        return new ProcMemorySource(oshi);
      } catch (IOException e) {
        return oshi;
      }
    }
    return oshi;
  }

  @Override
  public synchronized MemorySample sample(Instant time) {
    try {
      int n = readAll(meminfo);
      long total = field(n, "MemTotal:") * 1024;
      long available = field(n, "MemAvailable:") * 1024;
      long swapTotal = field(n, "SwapTotal:") * 1024;
      long swapFree = field(n, "SwapFree:") * 1024;
      n = readAll(vmstat);
      long pagesIn = field(n, "pswpin ");
      long pagesOut = field(n, "pswpout ");
      return new MemorySample(time, total, available, swapTotal, swapTotal - swapFree, pagesIn, pagesOut);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read /proc memory counters", e);
    }
  }

  @Override
  public List<ProcessMemory> topProcesses(int limit) {
    return processes.topProcesses(limit);
  }

  private int readAll(RandomAccessFile f) throws IOException {
    f.seek(0);
    int n = 0;
    int r;
    while (n < buf.length && (r = f.read(buf, n, buf.length - n)) > 0) {
      n += r;
    }
    return n;
  }

  // Finds "key" at a line start and parses the decimal number after it; 0 when absent.
  private long field(int len, String key) {
    int k = key.length();
    outer:
    for (int i = 0; i + k < len; i++) {
      if (i > 0 && buf[i - 1] != '\n') {
        continue;
      }
      for (int j = 0; j < k; j++) {
        if (buf[i + j] != key.charAt(j)) {
          continue outer;
        }
      }
      int p = i + k;
      while (p < len && buf[p] == ' ') {
        p++;
      }
      long v = 0;
      while (p < len && buf[p] >= '0' && buf[p] <= '9') {
        v = v * 10 + (buf[p] - '0');
        p++;
      }
      return v;
    }
    return 0;
  }
}
