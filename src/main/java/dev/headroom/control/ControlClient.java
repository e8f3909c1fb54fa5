package dev.headroom.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Talks to the running app's {@link ControlServer}: forwards a CLI verb and replays its output, or asks it to show
 * its dashboard.
 *
 * <pre>{@code
 * OptionalInt code = InstanceFile.read(dataDir).map(i -> new ControlClient(i).run(args, out, err))
 *     .orElse(OptionalInt.empty());   // empty: nobody answered, run locally
 * }</pre>
 */
public final class ControlClient {
  /** Exit code when the instance stopped answering half-way. */
  public static final int LOST = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a request to show the dashboard achieved. */
  public enum Shown { SHOWN, HEADLESS, UNREACHABLE }

  private final InstanceFile instance;
  private final HttpClient http;

  public ControlClient(InstanceFile instance) {
    this.instance = instance;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(3))
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /**
   * Runs {@code args} in the running app, copying its stdout and stderr lines to {@code out} and {@code err} as they
   * come. Returns the verb's exit code, or empty when the instance could not be reached at all (nothing printed;
   * the caller may then run the verb itself).
   */
  public OptionalInt run(List<String> args, PrintStream out, PrintStream err) {
    HttpResponse<InputStream> response;
    try {
      response = http.send(request("run", JSON.writeValueAsString(Map.of("args", args))),
          HttpResponse.BodyHandlers.ofInputStream());
    } catch (ConnectException | HttpConnectTimeoutException e) {
      return OptionalInt.empty();
    } catch (IOException e) {
      return OptionalInt.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalInt.of(130);
    }
    try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      if (response.statusCode() != 200) {
        String why = in.readLine();
        err.println("headroom: the running Headroom (pid " + instance.pid() + ") refused the command: "
            + response.statusCode() + " " + (why == null ? "" : why));
        return OptionalInt.of(2);
      }
      String line;
      while ((line = in.readLine()) != null) {
        if (line.length() < 2 || line.charAt(1) != ':') {
          continue;
        }
        String text = line.substring(2);
        switch (line.charAt(0)) {
          case Frames.OUT -> out.println(text);
          case 'O' -> out.print(text);
          case Frames.ERR -> err.println(text);
          case 'E' -> err.print(text);
          case Frames.EXIT -> {
            out.flush();
            err.flush();
            return OptionalInt.of(Integer.parseInt(text.trim()));
          }
          default -> { }
        }
      }
    } catch (IOException | NumberFormatException e) {
      // fall through: the stream broke before the exit code
    }
    err.println("headroom: the running Headroom (pid " + instance.pid() + ") stopped answering");
    return OptionalInt.of(LOST);
  }

  /** Asks the running app to bring up its dashboard. */
  public Shown show() {
    try {
      HttpResponse<String> r = http.send(request("show", "{}"), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? Shown.SHOWN : r.statusCode() == 409 ? Shown.HEADLESS : Shown.UNREACHABLE;
    } catch (IOException e) {
      return Shown.UNREACHABLE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Shown.UNREACHABLE;
    }
  }

  /** The running instance this client talks to. */
  public InstanceFile instance() {
    return instance;
  }

  private HttpRequest request(String endpoint, String json) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.port() + ControlServer.PREFIX + endpoint))
        .header("Authorization", "Bearer " + instance.token())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
  }

  /** Convenience: forwards to the instance recorded in {@code dataDir}, if one runs and answers. */
  public static Optional<ControlClient> forDataDir(java.nio.file.Path dataDir) {
    return InstanceFile.read(dataDir).map(ControlClient::new);
  }
}
