package dev.headroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import dev.headroom.config.GatewaySettings;
import dev.headroom.config.GatewaySettings.RouteRule;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.Tasks;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a proxied request and its answer look like on the other side: end-to-end headers pass, hop-by-hop headers do
 * not, the answer is timed per request also on a kept-alive backend connection. Raw sockets on the client side, so
 * that exactly these headers are sent and seen.
 */
class ForwardingTest {
  private final Tasks tasks = ExecutorTasks.create("forwarding-test", 2);
  private final AtomicReference<Headers> seen = new AtomicReference<>();
  private final AtomicLong delayMillis = new AtomicLong();
  private Upstream local;
  private Gateway gw;

  @BeforeEach
  void start() throws Exception {
    local = new Upstream("local");
    local.on("/h", ex -> {
      seen.set(ex.getRequestHeaders());
      try {
        Thread.sleep(delayMillis.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ex.getResponseHeaders().add("X-Answer", "a");
      ex.getResponseHeaders().add("Set-Cookie", "one=1");
      ex.getResponseHeaders().add("Set-Cookie", "two=2");
      ex.getResponseHeaders().add("Keep-Alive", "timeout=5");
      ex.getResponseHeaders().add("Proxy-Authenticate", "Basic");
      Upstream.reply(ex, 200, "text/plain", "answer");
    });
    GatewaySettings s = new GatewaySettings(true, 0, 1 << 20, 1, 60,
        List.of(new RouteRule("local", "/l/", "LOCAL_ONLY", local.uri().toString(), "GENERIC")));
    gw = new Gateway(s, Optional::empty, () -> false, u -> { }, Clock.systemUTC(), tasks);
    gw.start();
  }

  @AfterEach
  void stop() {
    gw.close();
    local.close();
    tasks.close();
  }

  private String request(String extraHeaders) {
    return "GET /l/h?q=1 HTTP/1.1\r\nHost: localhost:" + gw.port() + "\r\n" + extraHeaders + "\r\n";
  }

  private static RawHttp.Reply exchange(Socket s, String request) throws Exception {
    OutputStream out = s.getOutputStream();
    out.write(request.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return RawHttp.read(s.getInputStream());
  }

  @Test
  void endToEndHeadersPassAndHopByHopHeadersStop() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), gw.port())) {
      s.setSoTimeout(5000);
      RawHttp.Reply r = exchange(s, request("X-Custom: 1\r\nKeep-Alive: 300\r\nProxy-Authorization: Basic eA==\r\n"
          + "TE: trailers\r\nProxy-Connection: keep-alive\r\n"));
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("answer");
      Headers up = seen.get();
      assertThat(up.getFirst("X-Custom")).isEqualTo("1");
      assertThat(up.getFirst("Host")).isEqualTo("127.0.0.1:" + local.uri().getPort());
      assertThat(up.getFirst("X-Forwarded-Host")).isEqualTo("localhost:" + gw.port());
      assertThat(up.getFirst("X-Forwarded-For")).isEqualTo("127.0.0.1");
      assertThat(up.getFirst("X-Headroom-Route")).isEqualTo("local");
      assertThat(up.keySet()).map(String::toLowerCase)
          .doesNotContain("keep-alive", "proxy-authorization", "te", "proxy-connection");

      String head = r.text().substring(0, r.text().indexOf("\r\n\r\n")).toLowerCase();
      assertThat(head).startsWith("http/1.1 200").contains("\r\nx-answer: a").contains("\r\nset-cookie: one=1")
          .contains("\r\nset-cookie: two=2").contains("\r\ncontent-length: 6").doesNotContain("keep-alive:")
          .doesNotContain("proxy-authenticate").doesNotContain("transfer-encoding");

      // The same client connection (and the kept-alive backend connection) serves the next request.
      RawHttp.Reply again = exchange(s, request(""));
      assertThat(again.status()).isEqualTo(200);
      assertThat(seen.get().getFirst("X-Custom")).isNull();
    }
  }

  @Test
  void keptAliveBackendConnectionTimesEachRequestFromItsOwnStart() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), gw.port())) {
      s.setSoTimeout(5000);
      assertThat(exchange(s, request("")).status()).isEqualTo(200); // the backend connection is now pooled
      Thread.sleep(700);
      // 0.6 s is within this request's 1 s, though 1.3 s after the first request started.
      delayMillis.set(600);
      assertThat(exchange(s, request("")).status()).isEqualTo(200);
      delayMillis.set(2500);
      long t0 = System.nanoTime();
      RawHttp.Reply late = exchange(s, request(""));
      assertThat(late.status()).isEqualTo(504);
      assertThat(late.body()).contains("did not answer within 1 s");
      assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(900L, 2400L);
    }
  }
}
