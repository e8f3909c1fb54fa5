package dev.headroom.ui.prefs;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * "Test route" in Preferences: one real GET to a route's local target and the answer in words ("HTTP 200 in 4 ms",
 * "nothing answers at 127.0.0.1:8080"). Only targets on this machine (loopback) are called; a provider URL is not.
 *
 * <pre>{@code
 * new RouteTester(executor).test("http://127.0.0.1:8080").thenAccept(r -> label.setText(r.text()));
 * }</pre>
 */
public final class RouteTester {
  static final Duration TIMEOUT = Duration.ofSeconds(3);

  /** The outcome: whether something answered, and what to show. */
  public record Result(boolean answered, String text) {}

  private final HttpClient client;

  public RouteTester(Executor executor) {
    this.client = HttpClient.newBuilder().executor(executor).connectTimeout(TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
  }

  /** GETs {@code url} when it is a loopback http(s) URL; never throws, the result says what went wrong. */
  public CompletableFuture<Result> test(String url) {
    URI uri;
    try {
      uri = URI.create(url.trim());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(new Result(false, "Not a URL: '" + url + "'."));
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      return CompletableFuture.completedFuture(new Result(false, "Not tested: '" + url
          + "' is not an http:// or https:// address with a host."));
    }
    if (!loopback(uri.getHost())) {
      return CompletableFuture.completedFuture(new Result(false, "Not tested: " + uri.getHost()
          + " is not this machine. Test only calls local targets (127.0.0.1, localhost)."));
    }
    String where = uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build();
    long start = System.nanoTime();
    return client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((response, error) -> {
      long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
      if (error == null) {
        int code = response.statusCode();
        String meaning = code < 400 ? "the backend answers" : code < 500
            ? "the backend answers; this path is not one it serves, which is fine if the route's requests use others"
            : "the backend answers with an error";
        return new Result(true, "HTTP " + code + " in " + ms + " ms from " + where + ": " + meaning + ".");
      }
      return new Result(false, describe(unwrap(error), where));
    });
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  static String describe(Throwable e, String where) {
    if (e instanceof HttpTimeoutException) {
      return "No answer from " + where + " within " + TIMEOUT.toSeconds() + " s: the backend is busy or stuck.";
    }
    if (e instanceof ConnectException) {
      return "Nothing answers at " + where + " (connection refused): is the local backend running?";
    }
    if (e instanceof IOException) {
      String m = e.getMessage();
      return "The connection to " + where + " failed" + (m == null || m.isBlank() ? "." : ": " + m + ".");
    }
    return "The test failed: " + e.getClass().getSimpleName() + ".";
  }

  /** 127.0.0.0/8, ::1 or localhost, decided from the text alone (no DNS lookup). */
  static boolean loopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.equals("localhost")) {
      return true;
    }
    if (h.matches("\\d{1,3}(\\.\\d{1,3}){3}") || h.contains(":")) {
      try {
        return InetAddress.getByName(h).isLoopbackAddress(); // a literal: parsed, not resolved
      } catch (IOException e) {
        return false;
      }
    }
    return false;
  }
}
