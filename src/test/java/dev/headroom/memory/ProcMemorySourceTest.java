package dev.headroom.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProcMemorySourceTest {
  @Test
  void fastReaderAgreesWithOshiOnTotalAndSwap() {
    assumeThat(Files.isReadable(Path.of("/proc/meminfo"))).isTrue();
    MemorySource fast = ProcMemorySource.forThisMachine();
    MemorySample a = fast.sample(Instant.EPOCH);
    MemorySample b = new OshiMemorySource().sample(Instant.EPOCH);
    assertThat(fast).isInstanceOf(ProcMemorySource.class);
    assertThat(a.totalBytes()).isEqualTo(b.totalBytes());
    assertThat(a.swapTotalBytes()).isEqualTo(b.swapTotalBytes());
    assertThat(a.availableBytes()).isPositive().isLessThanOrEqualTo(a.totalBytes());
    // Available memory moves between the two reads; it must still be the same order of magnitude.
    assertThat((double) a.availableBytes()).isBetween(b.availableBytes() * 0.8, b.availableBytes() * 1.2);
  }
}
