package dev.headroom;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ShutdownStepsTest {
  @Test
  void aFailingOrHangingStepDoesNotStopTheNextOnes() {
    List<String> ran = new CopyOnWriteArrayList<>();
    CountDownLatch never = new CountDownLatch(1);
    long start = System.nanoTime();
    try (ShutdownSteps steps = new ShutdownSteps()) {
      assertThat(steps.run("throws", Duration.ofSeconds(1), () -> {
        ran.add("throws");
        throw new IllegalStateException("boom");
      })).isFalse();
      assertThat(steps.run("hangs", Duration.ofMillis(200), () -> {
        ran.add("hangs");
        try {
          never.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      })).isFalse();
      assertThat(steps.run("database", Duration.ofSeconds(1), () -> ran.add("database"))).isTrue();
      assertThat(steps.failures()).isEqualTo(2);
    }
    assertThat(ran).containsExactly("throws", "hangs", "database");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }
}
