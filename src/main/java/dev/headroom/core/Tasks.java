package dev.headroom.core;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * The one executor abstraction of the app: background work and periodic ticks go through it, never through
 * {@code new Thread()}. Production uses {@link ExecutorTasks}; tests may use {@link ExecutorTasks#sameThread()}.
 *
 * <pre>{@code
 * Tasks tasks = ExecutorTasks.create("headroom", 4);
 * Tasks.Handle tick = tasks.every(Duration.ofSeconds(2), engine::tick);
 * tick.cancel();
 * }</pre>
 */
public interface Tasks extends AutoCloseable {

  /** A cancellable periodic task. */
  interface Handle {
    void cancel();
  }

  /** Runs {@code work} in the background; failures complete the future exceptionally. */
  <T> CompletableFuture<T> submit(Callable<T> work);

  /** Runs {@code work} in the background, ignoring its result. */
  default CompletableFuture<Void> run(Runnable work) {
    return submit(() -> {
      work.run();
      return null;
    });
  }

  /** Runs {@code work} every {@code period}, first after one period. A failing run is logged, not fatal. */
  Handle every(Duration period, Runnable work);

  /** Runs {@code work} once after {@code delay}. */
  Handle after(Duration delay, Runnable work);

  @Override
  void close();
}
