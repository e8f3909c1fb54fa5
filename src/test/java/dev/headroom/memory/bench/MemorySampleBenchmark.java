package dev.headroom.memory.bench;

import dev.headroom.memory.MemorySample;
import dev.headroom.memory.MemorySource;
import dev.headroom.memory.OshiMemorySource;
import dev.headroom.memory.ProcMemorySource;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of one memory sample (budget: &lt; 50 µs), the app's source against OSHI's getters. OSHI memoizes its reads for 300 ms by default; the
 * benchmark turns that off ({@code oshi.util.memoizer.expiration=0}) so every call really reads the OS, as a 1 s
 * sampler does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Doshi.util.memoizer.expiration=0")
public class MemorySampleBenchmark {
  private MemorySource oshiGetters;
  private MemorySource fast;

  @Setup
  public void setUp() {
    oshi.util.GlobalConfig.set("oshi.util.memoizer.expiration", 0);
    oshiGetters = new OshiMemorySource();
    fast = ProcMemorySource.forThisMachine();
  }

  /** What the app samples with on this OS (the /proc reader on Linux). */
  @Benchmark
  public MemorySample oneSample() {
    return fast.sample(Instant.now());
  }

  /** OSHI's getters, each reading the OS (the reference the fast path is measured against). */
  @Benchmark
  public MemorySample oneSampleOshiGetters() {
    return oshiGetters.sample(Instant.now());
  }
}
