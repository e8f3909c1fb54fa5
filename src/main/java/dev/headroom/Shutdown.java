package dev.headroom;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * One orderly shutdown for Quit, SIGTERM / SIGINT / SIGHUP (logout) and any other JVM exit: each only
 * {@linkplain #request requests} it; the thread that started the app then leaves its wait, closes the app (which
 * terminates VMs when {@code autoCreate.terminateOnQuit} says so) and reports {@link #finished()}. The whole shutdown
 * is bounded: if closing takes longer than {@link #bound}, the process is halted with exit code 1 and a log line.
 *
 * <pre>{@code
 * Shutdown shutdown = new Shutdown(Shutdown.BOUND);
 * shutdown.onRequest(ui::quit);
 * shutdown.installSignalHandlers();
 * try (App app = ...) { ... shutdown.await(); } finally { shutdown.finished(); }
 * }</pre>
 */
final class Shutdown {
  private static final Logger LOG = LoggerFactory.getLogger(Shutdown.class);
  /** Logout gives an app tens of seconds (systemd: 90 s) before SIGKILL; stay well inside that. */
  static final Duration BOUND = Duration.ofSeconds(60);

  private final Duration bound;
  private final CountDownLatch requested = new CountDownLatch(1);
  private final CountDownLatch done = new CountDownLatch(1);
  private final AtomicBoolean once = new AtomicBoolean();
  private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "headroom-shutdown-watchdog");
    t.setDaemon(true);
    return t;
  });
  private volatile Runnable onRequest = () -> { };
  private volatile Runnable halt = () -> Runtime.getRuntime().halt(1);

  Shutdown(Duration bound) {
    this.bound = bound;
  }

  /** What to do when a shutdown is requested (for the GUI: quit the UI so the main thread moves on). */
  void onRequest(Runnable action) {
    this.onRequest = action;
  }

  /** For tests: what happens when the bound passes (default: halt with exit code 1). */
  void onOverrun(Runnable action) {
    this.halt = action;
  }

  /** Requests the shutdown (idempotent, any thread); starts the clock on the bound. */
  void request(String why) {
    if (!once.compareAndSet(false, true)) {
      return;
    }
    LOG.info("Shutting down ({})", why);
    // After finished() the watchdog is shut down and there is nothing left to bound.
    if (done.getCount() > 0 && !watchdog.isShutdown()) {
      try {
        watchdog.schedule(() -> {
          if (done.getCount() > 0) {
            LOG.error("Shutdown did not finish within {} s; exiting now", bound.toSeconds());
            halt.run();
          }
        }, bound.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        LOG.debug("Shutdown already finished");
      }
    }
    requested.countDown();
    try {
      onRequest.run();
    } catch (RuntimeException e) {
      LOG.warn("Shutdown action failed: {}", e.toString());
    }
  }

  /** Blocks until a shutdown is requested. */
  void await() throws InterruptedException {
    requested.await();
  }

  boolean isRequested() {
    return requested.getCount() == 0;
  }

  /** The app is closed: the process may exit. */
  void finished() {
    done.countDown();
    watchdog.shutdownNow();
  }

  /** Waits (bounded) until {@link #finished()}; true when it finished in time. */
  boolean awaitFinished(Duration max) throws InterruptedException {
    return done.await(max.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * SIGTERM, SIGINT and SIGHUP request the orderly shutdown instead of killing the JVM at once; a shutdown hook
   * covers every other exit (it requests the shutdown too and waits for it, bounded).
   */
  void installSignalHandlers() {
    for (String name : new String[] {"TERM", "INT", "HUP"}) {
      try {
        Signal.handle(new Signal(name), s -> request("SIG" + s.getName()));
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        LOG.debug("Signal {} cannot be handled here: {}", name, e.toString());
      }
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      request("JVM exit");
      try {
        awaitFinished(bound);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "headroom-shutdown"));
  }
}
