package dev.headroom.spot;

import dev.headroom.config.GcpSettings;
import dev.headroom.core.AppException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Compute client, created once on first use (on a cloud thread, never the UI thread); a failed attempt (no
 * credentials yet) is retried after {@link #RECONNECT_EVERY}, so running {@code gcloud auth application-default
 * login} while the app runs is enough. {@code onChange} hears every change of {@link #status()}.
 */
final class CloudConnection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CloudConnection.class);
  /** A failed connection attempt is retried at most this often. */
  static final Duration RECONNECT_EVERY = Duration.ofMinutes(1);

  private final Supplier<Compute> factory;
  private final GcpSettings gcp;
  private final Clock clock;
  private final Runnable onChange;
  private final Object lock = new Object();
  private volatile Compute compute;
  private volatile String notConnected;
  private volatile Instant notConnectedAt = Instant.MIN;

  CloudConnection(Supplier<Compute> factory, GcpSettings gcp, Clock clock, Runnable onChange) {
    this.factory = factory;
    this.gcp = gcp;
    this.clock = clock;
    this.onChange = onChange;
  }

  CloudStatus status() {
    if (!gcp.configured()) {
      return CloudStatus.notConnected(GceCompute.notConfiguredMessage());
    }
    String reason = notConnected;
    if (reason != null) {
      return CloudStatus.notConnected(reason);
    }
    return compute != null ? CloudStatus.CONNECTED : CloudStatus.NOT_CHECKED;
  }

  /** Known not to connect, and too early to try again. */
  boolean knownUnavailable() {
    return status().state() == CloudStatus.State.NOT_CONNECTED
        && (!gcp.configured() || clock.instant().isBefore(notConnectedAt.plus(RECONNECT_EVERY)));
  }

  /** The client; empty when it cannot connect. Blocking on first use. */
  Optional<Compute> compute() {
    Compute c = compute;
    if (c != null || !gcp.configured()) {
      return Optional.ofNullable(c);
    }
    boolean changed;
    synchronized (lock) {
      if (compute != null) {
        return Optional.of(compute);
      }
      if (notConnected != null && clock.instant().isBefore(notConnectedAt.plus(RECONNECT_EVERY))) {
        return Optional.empty();
      }
      String before = notConnected;
      try {
        compute = factory.get();
        notConnected = null;
      } catch (AppException e) {
        notConnected = e.userMessage();
        notConnectedAt = clock.instant();
      }
      changed = compute != null || !Objects.equals(before, notConnected);
      if (changed && notConnected != null) {
        LOG.warn("Compute Engine unavailable: {}", notConnected);
      }
    }
    if (changed) {
      onChange.run();
    }
    return Optional.ofNullable(compute);
  }

  /** The client, or an {@link AppException} saying how to connect. */
  Compute require() {
    return compute().orElseThrow(() -> new AppException(
        status().state() == CloudStatus.State.NOT_CONNECTED ? status().message() : "Google Cloud unavailable"));
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (compute != null) {
        compute.close();
      }
    }
  }
}
