package dev.headroom;

import dev.headroom.core.LogSafe;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the steps of a shutdown one after the other, each bounded in time: a step that throws or hangs is logged
 * and the next one still runs (a try/finally per step), so one stuck client cannot keep the database open.
 *
 * <pre>{@code
 * try (ShutdownSteps steps = new ShutdownSteps()) {
 *   steps.run("gateway", Duration.ofSeconds(5), gateway::close);
 *   steps.run("database", Duration.ofSeconds(10), db::close);
 * }
 * }</pre>
 */
final class ShutdownSteps implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ShutdownSteps.class);
  private final ExecutorService runner = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "headroom-shutdown-step");
    t.setDaemon(true);
    return t;
  });
  private int failures;

  /** Runs {@code step}, waiting at most {@code bound}; returns whether it finished without error. */
  boolean run(String name, Duration bound, Runnable step) {
    Future<?> f = runner.submit(step);
    try {
      f.get(bound.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      f.cancel(true);
      LOG.warn("Shutdown step '{}' did not finish within {} s; going on", name, bound.toSeconds());
    } catch (ExecutionException e) {
      LOG.warn("Shutdown step '{}' failed: {}", name, LogSafe.clean(e.getCause()), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("Shutdown step '{}' interrupted", name);
    }
    failures++;
    return false;
  }

  /** Steps that threw or timed out. */
  int failures() {
    return failures;
  }

  @Override
  public void close() {
    runner.shutdownNow();
  }
}
