package dev.headroom.ui.prefs;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** "Test route" sends a real GET to a loopback backend and says what came back, in words. */
class RouteTesterTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(2);
  private final RouteTester tester = new RouteTester(pool);
  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
    pool.shutdownNow();
  }

  private int serve(int status, AtomicInteger hits) throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", ex -> {
      hits.incrementAndGet();
      ex.sendResponseHeaders(status, -1);
      ex.close();
    });
    server.setExecutor(pool);
    server.start();
    return server.getAddress().getPort();
  }

  @Test
  void aRunningBackendAnswersWithItsStatusAndLatency() throws Exception {
    AtomicInteger hits = new AtomicInteger();
    int port = serve(200, hits);
    RouteTester.Result r = tester.test("http://127.0.0.1:" + port).get(10, TimeUnit.SECONDS);
    assertThat(r.answered()).isTrue();
    assertThat(r.text()).matches("HTTP 200 in \\d+ ms from 127\\.0\\.0\\.1:" + port + ": the backend answers\\.");
    assertThat(hits).hasValue(1);
  }

  @Test
  void aNotFoundStillMeansTheBackendIsThere() throws Exception {
    int port = serve(404, new AtomicInteger());
    RouteTester.Result r = tester.test("http://localhost:" + port + "/v1/").get(10, TimeUnit.SECONDS);
    assertThat(r.answered()).isTrue();
    assertThat(r.text()).startsWith("HTTP 404 in").contains("this path is not one it serves");
  }

  @Test
  void nothingListeningIsSaidInWords() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    RouteTester.Result r = tester.test("http://127.0.0.1:" + port).get(10, TimeUnit.SECONDS);
    assertThat(r.answered()).isFalse();
    assertThat(r.text()).isEqualTo("Nothing answers at 127.0.0.1:" + port
        + " (connection refused): is the local backend running?");
  }

  @Test
  void targetsOffThisMachineAreNotCalled() throws Exception {
    RouteTester.Result r = tester.test("https://api.openai.com/v1").get(1, TimeUnit.SECONDS);
    assertThat(r.answered()).isFalse();
    assertThat(r.text()).startsWith("Not tested: api.openai.com is not this machine");
    assertThat(tester.test("ftp://127.0.0.1/").get(1, TimeUnit.SECONDS).text()).contains("not an http://");
  }

  @Test
  void loopbackIsDecidedFromTheTextWithoutALookup() {
    assertThat(RouteTester.loopback("127.0.0.1")).isTrue();
    assertThat(RouteTester.loopback("127.3.2.1")).isTrue();
    assertThat(RouteTester.loopback("localhost")).isTrue();
    assertThat(RouteTester.loopback("[::1]")).isTrue();
    assertThat(RouteTester.loopback("10.0.0.1")).isFalse();
    assertThat(RouteTester.loopback("localhost.example.com")).isFalse();
    assertThat(RouteTester.loopback("128.0.0.1")).isFalse();
  }
}
