package dev.headroom.gateway;

import dev.headroom.core.Tasks;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health of the cloud target: an HTTP {@code GET <target><path>} answered 2xx within the timeout is healthy; a
 * refused connection, a timeout or any other status is not. A bare TCP connect would count anything listening (a
 * local SSH tunnel port always accepts) as healthy. A new target is tried optimistically and checked at once.
 */
final class CloudHealth {
  private static final Logger LOG = LoggerFactory.getLogger(CloudHealth.class);
  static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final Supplier<Optional<URI>> target;
  private final String path;
  private final HttpClient client;
  private final Tasks tasks;
  private volatile URI checked;
  private volatile boolean healthy;

  CloudHealth(Supplier<Optional<URI>> target, String path, Tasks tasks) {
    this.target = target;
    this.path = path.startsWith("/") ? path : "/" + path;
    this.tasks = tasks;
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** The configured target, healthy or not. */
  Optional<URI> target() {
    return target.get();
  }

  /** The cloud target when there is one that passed (or has not yet been checked by) its health check. */
  Optional<URI> healthy() {
    Optional<URI> t = target.get();
    if (t.isEmpty()) {
      return t;
    }
    if (!t.get().equals(checked)) {
      tasks.run(this::check); // a new VM: try it (a failed connect falls back) and check it now
      return t;
    }
    return healthy ? t : Optional.empty();
  }

  /** Checks the current target now (blocking for at most about two timeouts). */
  void check() {
    Optional<URI> t = target.get();
    if (t.isEmpty()) {
      checked = null;
      healthy = false;
      return;
    }
    URI uri = t.get();
    boolean ok = probe(uri);
    if (ok != healthy || !uri.equals(checked)) {
      LOG.info("Cloud backend {} is {}", uri, ok ? "healthy" : "unhealthy (GET " + path + " failed)");
    }
    healthy = ok;
    checked = uri;
  }

  /** A forward to {@code uri} could not connect: it is down until the next check says otherwise. */
  void markDown(URI uri) {
    checked = uri;
    healthy = false;
  }

  private boolean probe(URI base) {
    try {
      HttpRequest req = HttpRequest.newBuilder(URI.create(Route.stripSlash(base.toString()) + path))
          .timeout(TIMEOUT).GET().build();
      int status = client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
      return status >= 200 && status < 300;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
