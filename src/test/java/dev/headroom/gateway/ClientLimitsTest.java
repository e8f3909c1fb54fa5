package dev.headroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Client connections that never finish a request are closed, and open connections are capped (ClientLimits), over
 * real loopback sockets; answers that take longer than every timeout are not cut.
 */
class ClientLimitsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final AtomicInteger handled = new AtomicInteger();
  private LoopbackServer server;
  private int port;

  private void start(ClientLimits limits) {
    server = new LoopbackServer(0, limits);
    server.mount("/ok", ex -> {
      handled.incrementAndGet();
      ex.getRequestBody().readAllBytes();
      Upstream.reply(ex, 200, "text/plain", "ok");
    });
    server.mount("/slow", ex -> {
      try {
        Thread.sleep(1200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Upstream.reply(ex, 200, "text/plain", "slow but whole");
    });
    server.start();
    port = server.port();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static ClientLimits limits(long idleMs, long headersMs, long bodyMs, int max) {
    return new ClientLimits(Duration.ofMillis(idleMs), Duration.ofMillis(headersMs), Duration.ofMillis(bodyMs), max);
  }

  private Socket connect() throws IOException {
    return new Socket(InetAddress.getLoopbackAddress(), port);
  }

  private String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n";
  }

  private static void send(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    s.getOutputStream().flush();
  }

  /** Waits (at most 3 s) for the server to close the connection; the time it took. */
  private static Duration awaitClosed(Socket s, long t0) throws IOException {
    s.setSoTimeout(3000);
    assertThat(s.getInputStream().read()).as("end of stream").isEqualTo(-1);
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  /** End of stream, or a reset: a header line written after the server closed makes the client's kernel see a RST. */
  private static boolean closedByServer(InputStream in) throws IOException {
    try {
      return in.read() == -1;
    } catch (SocketException reset) {
      return true;
    }
  }

  private void awaitOpen(int n) throws InterruptedException {
    for (int i = 0; i < 300 && server.openConnections() != n; i++) {
      Thread.sleep(10);
    }
    assertThat(server.openConnections()).isEqualTo(n);
  }

  @Test
  void connectionThatSendsNothingIsClosedAfterTheIdleTimeout() throws Exception {
    start(limits(500, 10_000, 10_000, 16));
    try (Socket s = connect()) {
      long t0 = System.nanoTime();
      s.setSoTimeout(200);
      assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
      assertThat(awaitClosed(s, t0)).isBetween(Duration.ofMillis(450), Duration.ofMillis(3000));
    }
    awaitOpen(0);
  }

  @Test
  void keptAliveConnectionIsServedUntilItIdlesPastTheTimeout() throws Exception {
    start(limits(600, 10_000, 10_000, 16));
    try (Socket s = connect()) {
      s.setSoTimeout(3000);
      for (int i = 0; i < 3; i++) {
        send(s, get("/ok"));
        assertThat(RawHttp.read(s.getInputStream()).status()).isEqualTo(200);
        Thread.sleep(300); // under the idle timeout each time: the clock starts again after every answer
      }
      long t0 = System.nanoTime();
      assertThat(awaitClosed(s, t0)).isLessThan(Duration.ofMillis(3000));
    }
    assertThat(handled).hasValue(3);
  }

  @Test
  void headersTrickledPastTheirDeadlineGet408AndTheConnectionIsClosed() throws Exception {
    start(limits(10_000, 600, 10_000, 16));
    try (Socket s = connect()) {
      long t0 = System.nanoTime();
      send(s, "GET /ok HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n");
      InputStream in = s.getInputStream();
      // One header line every 100 ms never ends the headers; each byte must not extend the deadline.
      for (int i = 0; in.available() == 0 && i < 40; i++) {
        send(s, "X-Slow-" + i + ": 1\r\n");
        Thread.sleep(100);
      }
      s.setSoTimeout(3000);
      RawHttp.Reply r = RawHttp.read(in);
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(r.status()).isEqualTo(408);
      assertThat(JSON.readTree(r.body()).get("error").asText()).contains("headers");
      assertThat(took).isBetween(Duration.ofMillis(550), Duration.ofMillis(3000));
      assertThat(closedByServer(in)).isTrue();
    }
    assertThat(handled).hasValue(0);
  }

  @Test
  void bodyThatStopsArrivingGets408AndIsNeverHandled() throws Exception {
    start(limits(10_000, 10_000, 500, 16));
    try (Socket s = connect()) {
      s.setSoTimeout(3000);
      long t0 = System.nanoTime();
      send(s, "POST /ok HTTP/1.1\r\nHost: 127.0.0.1:" + port
          + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":");
      RawHttp.Reply r = RawHttp.read(s.getInputStream());
      assertThat(r.status()).isEqualTo(408);
      assertThat(JSON.readTree(r.body()).get("error").asText()).contains("body");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(450), Duration.ofMillis(3000));
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(handled).hasValue(0);
  }

  @Test
  void answerSlowerThanEveryTimeoutIsNotCut() throws Exception {
    start(limits(300, 300, 300, 16));
    try (Socket s = connect()) {
      s.setSoTimeout(5000);
      send(s, get("/slow"));
      RawHttp.Reply r = RawHttp.read(s.getInputStream());
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("slow but whole");
      send(s, get("/ok")); // and the connection is still good for the next request
      assertThat(RawHttp.read(s.getInputStream()).status()).isEqualTo(200);
    }
  }

  @Test
  void connectionsOverTheCapAre503AndServedAgainOnceOneCloses() throws Exception {
    start(limits(60_000, 10_000, 10_000, 4));
    List<Socket> silent = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        silent.add(connect());
      }
      awaitOpen(4);
      RawHttp.Reply refused = RawHttp.send(port, "GET /ok HTTP/1.1\r\nHost: 127.0.0.1:" + port, "");
      assertThat(refused.status()).isEqualTo(503);
      assertThat(JSON.readTree(refused.body()).get("error").asText()).contains("at most 4");
      assertThat(handled).hasValue(0);

      silent.remove(0).close();
      awaitOpen(3);
      assertThat(RawHttp.send(port, "GET /ok HTTP/1.1\r\nHost: 127.0.0.1:" + port, "").status()).isEqualTo(200);
      assertThat(handled).hasValue(1);
    } finally {
      for (Socket s : silent) {
        s.close();
      }
    }
  }
}
