package dev.headroom.core;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link Tasks} on a scheduled thread pool of daemon threads. */
public final class ExecutorTasks implements Tasks {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorTasks.class);

  private final ScheduledThreadPoolExecutor pool;

  private ExecutorTasks(ScheduledThreadPoolExecutor pool) {
    this.pool = pool;
  }

  /** A pool of {@code threads} daemon threads named {@code name-N}. */
  public static ExecutorTasks create(String name, int threads) {
    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory = r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(threads, factory);
    pool.setRemoveOnCancelPolicy(true);
    return new ExecutorTasks(pool);
  }

  /** Runs submitted work on the caller's thread (for tests); periodic work still uses one daemon thread. */
  public static Tasks sameThread() {
    ExecutorTasks scheduled = create("test-tasks", 1);
    return new Tasks() {
      @Override
      public <T> CompletableFuture<T> submit(Callable<T> work) {
        try {
          return CompletableFuture.completedFuture(work.call());
        } catch (Exception | Error e) {
          return CompletableFuture.failedFuture(e);
        }
      }

      @Override
      public Handle every(Duration period, Runnable work) {
        return scheduled.every(period, work);
      }

      @Override
      public Handle after(Duration delay, Runnable work) {
        return scheduled.after(delay, work);
      }

      @Override
      public void close() {
        scheduled.close();
      }
    };
  }

  @Override
  public <T> CompletableFuture<T> submit(Callable<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    pool.execute(() -> {
      try {
        result.complete(work.call());
      } catch (Exception | Error e) {
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  @Override
  public Handle every(Duration period, Runnable work) {
    long ms = Math.max(1, period.toMillis());
    ScheduledFuture<?> f = pool.scheduleAtFixedRate(guarded(work), ms, ms, TimeUnit.MILLISECONDS);
    return () -> f.cancel(false);
  }

  @Override
  public Handle after(Duration delay, Runnable work) {
    ScheduledFuture<?> f = pool.schedule(guarded(work), Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
    return () -> f.cancel(false);
  }

  // A periodic task that throws is silently cancelled by the JDK; keep it alive and log once per failure.
  private static Runnable guarded(Runnable work) {
    return () -> {
      try {
        work.run();
      } catch (RuntimeException e) {
        LOG.warn("Background task failed: {}", e.toString(), e);
      }
    };
  }

  @Override
  public void close() {
    pool.shutdownNow();
    try {
      pool.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
