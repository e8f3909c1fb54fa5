package dev.headroom.spot;

import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * How TRANSIENT Compute Engine failures (5xx, 429, a call past its deadline, an unreachable endpoint) are retried:
 * the same request again, requestId included, after a growing pause.
 *
 * @param attempts calls in all, the first included
 * @param firstPause pause before the second call; each next pause doubles, up to {@code maxPause}
 */
record Retry(int attempts, Duration firstPause, Duration maxPause, Sleeper sleeper) {
  /** Four calls over about 14 s. */
  static final Retry DEFAULT = new Retry(4, Duration.ofSeconds(2), Duration.ofSeconds(8), Sleeper.THREAD);

  /** Pauses the calling (cloud) thread. */
  interface Sleeper {
    Sleeper THREAD = d -> Thread.sleep(d.toMillis());

    void sleep(Duration d) throws InterruptedException;
  }

  Retry {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1");
    }
  }

  /**
   * Runs {@code call}, again after each TRANSIENT failure while attempts remain; {@code beforeRetry} hears each
   * failure and the pause before the next call. Other failures, and the last TRANSIENT one, are thrown.
   */
  <T> T call(Supplier<T> call, BiConsumer<ComputeException, Duration> beforeRetry) {
    Duration pause = firstPause;
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get();
      } catch (ComputeException e) {
        if (e.kind() != ComputeException.Kind.TRANSIENT || attempt >= attempts) {
          throw e;
        }
        beforeRetry.accept(e, pause);
        try {
          sleeper.sleep(pause);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
        pause = pause.multipliedBy(2).compareTo(maxPause) > 0 ? maxPause : pause.multipliedBy(2);
      }
    }
  }

  /** {@link #call} for calls without a result. */
  void run(Runnable call, BiConsumer<ComputeException, Duration> beforeRetry) {
    call(() -> {
      call.run();
      return null;
    }, beforeRetry);
  }

  /** "2 s", "1.5 s". */
  static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
  }
}
