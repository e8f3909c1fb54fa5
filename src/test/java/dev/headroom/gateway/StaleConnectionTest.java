package dev.headroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.config.GatewaySettings;
import dev.headroom.config.GatewaySettings.RouteRule;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.Tasks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A backend that answers the first request of each connection, then reads the next one and closes without answering
 * (it may have acted on it). The gateway may resend an idempotent request on a new connection, never a POST.
 */
class StaleConnectionTest {
  private final AtomicInteger received = new AtomicInteger();
  private final ExecutorService backendThreads = Executors.newCachedThreadPool();
  private final Tasks tasks = ExecutorTasks.create("stale-test", 2);
  private final HttpClient http = HttpClient.newHttpClient();
  private ServerSocket backend;
  private Gateway gw;

  @BeforeEach
  void start() throws IOException {
    backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    backendThreads.execute(() -> {
      while (!backend.isClosed()) {
        try {
          Socket s = backend.accept();
          backendThreads.execute(() -> serve(s));
        } catch (IOException e) {
          return;
        }
      }
    });
    GatewaySettings settings = new GatewaySettings(true, 0, 1 << 20, 5, 60, List.of(
        new RouteRule("local", "/l/", "LOCAL_ONLY", "http://127.0.0.1:" + backend.getLocalPort(), "GENERIC")));
    gw = new Gateway(settings, Optional::empty, () -> false, u -> { }, Clock.systemUTC(), tasks);
    gw.start();
  }

  @AfterEach
  void stop() throws IOException {
    gw.close();
    backend.close();
    backendThreads.shutdownNow();
    tasks.close();
  }

  private void serve(Socket s) {
    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
      if (!readRequest(in)) {
        return;
      }
      received.incrementAndGet();
      out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok"
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      if (readRequest(in)) {
        received.incrementAndGet(); // read (and, for all the gateway knows, acted on), then dropped unanswered
      }
    } catch (IOException e) {
      // the gateway went away
    }
  }

  /** Reads one request (headers and a Content-Length body); false at end of stream. */
  private static boolean readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      head.write(b);
      String h = head.toString(StandardCharsets.US_ASCII);
      if (h.endsWith("\r\n\r\n")) {
        int length = 0;
        for (String line : h.split("\r\n")) {
          if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
            length = Integer.parseInt(line.substring(15).trim());
          }
        }
        in.readNBytes(length);
        return true;
      }
    }
    return false;
  }

  private HttpResponse<String> send(String method) throws Exception {
    return http.send(HttpRequest.newBuilder(gw.address().resolve("/l/job"))
        .method(method, HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\"}"))
        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aPostOnAConnectionTheBackendDroppedIsNotSentTwice() throws Exception {
    assertThat(send("POST").statusCode()).isEqualTo(200);

    HttpResponse<String> second = send("POST");

    assertThat(second.statusCode()).isEqualTo(502);
    Thread.sleep(300); // a resend would reach the backend now
    assertThat(received.get()).isEqualTo(2);
  }

  @Test
  void aGetOnAConnectionTheBackendDroppedIsResentOnANewOne() throws Exception {
    assertThat(send("GET").statusCode()).isEqualTo(200);

    HttpResponse<String> second = send("GET");

    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(received.get()).isEqualTo(3);
  }
}
