package dev.headroom.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.headroom.core.AppException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running app's control API, under {@code /control/} on its loopback server. Every request must carry
 * {@code Authorization: Bearer <token>} (a random 256-bit token, compared in constant time) and come from a
 * loopback client with a loopback {@code Host} and no {@code Origin} (a web page cannot reach it). The token, the
 * port and the pid are published in {@link InstanceFile} (user-only) once the server listens.
 *
 * <ul>
 *   <li>{@code POST /control/run} with {@code {"args":["vm","list","--json"]}}: runs the verb in this process
 *       against its live services and streams its stdout, stderr and exit code back ({@link Frames}).</li>
 *   <li>{@code POST /control/show}: shows the dashboard (a second launch of the app); 409 when headless.</li>
 * </ul>
 *
 * <pre>{@code
 * ControlServer control = new ControlServer(dataDir, version, runner, Cli.VERBS, Optional.empty(), random);
 * ControlServer.PATHS.forEach(p -> loopbackServer.mount(p, control.handler()));
 * loopbackServer.start();
 * control.publish(gateway.port());
 * }</pre>
 */
public final class ControlServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
  public static final String PREFIX = "/control/";
  /** The exact paths to mount {@link #handler()} at. */
  public static final List<String> PATHS = List.of(PREFIX + "run", PREFIX + "show");
  static final int MAX_BODY = 64 * 1024;
  static final int MAX_ARGS = 64;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "localhost", "[::1]");

  private final Path dataDir;
  private final String version;
  private final CommandRunner runner;
  private final Set<String> verbs;
  private volatile Optional<Runnable> showDashboard;
  private final byte[] token;
  private final String tokenText;
  private volatile Optional<InstanceFile> published = Optional.empty();

  /**
   * @param verbs the verbs {@code /control/run} accepts (anything else is refused before it runs)
   * @param showDashboard what {@code /control/show} does; empty for a headless instance
   */
  public ControlServer(Path dataDir, String version, CommandRunner runner, Set<String> verbs,
      Optional<Runnable> showDashboard, SecureRandom random) {
    this.dataDir = dataDir;
    this.version = version;
    this.runner = runner;
    this.verbs = Set.copyOf(verbs);
    this.showDashboard = showDashboard;
    byte[] raw = new byte[32];
    random.nextBytes(raw);
    this.tokenText = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    this.token = tokenText.getBytes(StandardCharsets.US_ASCII);
  }

  /** Sets what {@code /control/show} does (the UI exists only after the services started). */
  public void onShowDashboard(Runnable show) {
    this.showDashboard = Optional.of(show);
  }

  /** The handler to mount at each of {@link #PATHS} on the app's loopback server. */
  public HttpHandler handler() {
    return this::handle;
  }

  /** Writes the instance file naming {@code port}: from now on CLIs and second launches come here. */
  public void publish(int port) {
    InstanceFile f = new InstanceFile(ProcessHandle.current().pid(), port, tokenText, version);
    f.write(dataDir);
    published = Optional.of(f);
    LOG.info("Control API on 127.0.0.1:{}{} (token in {})", port, PREFIX, InstanceFile.path(dataDir));
  }

  /** Removes the instance file (if still ours): from now on CLIs run on their own. */
  @Override
  public synchronized void close() {
    published.ifPresent(f -> f.deleteIfOurs(dataDir));
    published = Optional.empty();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String refusal = refusal(ex);
      if (refusal != null) {
        int status = refusal.startsWith("401") ? 401 : refusal.startsWith("405") ? 405
            : refusal.startsWith("415") ? 415 : 403;
        if (status == 401) {
          ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        }
        text(ex, status, refusal.substring(4));
        return;
      }
      String path = ex.getRequestURI().getPath();
      switch (path) {
        case PREFIX + "run" -> run(ex);
        case PREFIX + "show" -> show(ex);
        default -> text(ex, 404, "no such control endpoint"); // mounted at exact paths: not reached
      }
    }
  }

  /** Why the request is refused ("NNN message"), or null when it may proceed. */
  private String refusal(HttpExchange ex) {
    if (!ex.getRemoteAddress().getAddress().isLoopbackAddress()) {
      return "403 loopback clients only";
    }
    String host = ex.getRequestHeaders().getFirst("Host");
    if (host == null || !LOOPBACK_HOSTS.contains(hostName(host))) {
      return "403 Host must be 127.0.0.1 or localhost";
    }
    if (ex.getRequestHeaders().containsKey("Origin")) {
      return "403 requests from web pages are refused";
    }
    if (!authorized(ex.getRequestHeaders().getFirst("Authorization"))) {
      return "401 missing or wrong control token (see " + InstanceFile.NAME + " in the data directory)";
    }
    if (!ex.getRequestMethod().equals("POST")) {
      return "405 use POST";
    }
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      return "415 Content-Type must be application/json";
    }
    return null;
  }

  private static String hostName(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end < 0 ? h : h.substring(0, end + 1);
    }
    int colon = h.lastIndexOf(':');
    return colon < 0 ? h : h.substring(0, colon);
  }

  boolean authorized(String header) {
    if (header == null || !header.startsWith("Bearer ")) {
      return false;
    }
    byte[] given = header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(given, token);
  }

  private void run(HttpExchange ex) throws IOException {
    List<String> args;
    try {
      args = args(ex.getRequestBody());
    } catch (IllegalArgumentException e) {
      text(ex, 400, e.getMessage());
      return;
    }
    if (args.isEmpty() || !verbs.contains(args.get(0))) {
      text(ex, 400, "not a command the control API runs: " + (args.isEmpty() ? "(none)" : args.get(0)));
      return;
    }
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.sendResponseHeaders(200, 0);
    OutputStream body = ex.getResponseBody();
    Frames frames = new Frames(body);
    int code;
    try (PrintStream out = frames.stream(Frames.OUT); PrintStream err = frames.stream(Frames.ERR)) {
      try {
        code = runner.run(args, out, err);
      } catch (RuntimeException e) {
        LOG.warn("Control command {} failed", args.get(0), e);
        err.println("headroom: " + (e instanceof AppException a ? a.userMessage() : "internal error: " + e));
        code = e instanceof AppException ? 2 : 1;
      }
    }
    try {
      frames.exit(code);
    } catch (UncheckedIOException e) {
      LOG.debug("Control client went away before the exit code");
    }
  }

  private void show(HttpExchange ex) throws IOException {
    ex.getRequestBody().readAllBytes();
    Optional<Runnable> show = showDashboard;
    if (show.isEmpty()) {
      text(ex, 409, "this Headroom runs headless (no dashboard to show)");
      return;
    }
    show.get().run();
    text(ex, 200, "shown");
  }

  static List<String> args(InputStream in) throws IOException {
    byte[] body = in.readNBytes(MAX_BODY + 1);
    if (body.length > MAX_BODY) {
      throw new IllegalArgumentException("request body over " + MAX_BODY + " bytes");
    }
    JsonNode o;
    try {
      o = JSON.readTree(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("body is not JSON");
    }
    JsonNode arr = o == null ? null : o.get("args");
    if (arr == null || !arr.isArray() || arr.size() > MAX_ARGS) {
      throw new IllegalArgumentException("'args' must be an array of at most " + MAX_ARGS + " strings");
    }
    List<String> args = new ArrayList<>();
    for (JsonNode a : arr) {
      if (!a.isTextual() || a.asText().length() > 4096) {
        throw new IllegalArgumentException("'args' must hold strings of at most 4096 characters");
      }
      args.add(a.asText());
    }
    return args;
  }

  private static void text(HttpExchange ex, int status, String message) throws IOException {
    byte[] b = (message + "\n").getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
  }
}
