package dev.headroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import dev.headroom.config.GatewaySettings;
import dev.headroom.config.GatewaySettings.RouteRule;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.Tasks;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The loopback server against hostile clients: rebound hosts, web pages, slow and greedy clients. Real sockets. */
class LoopbackServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Tasks tasks = ExecutorTasks.create("loopback-test", 2);
  private final AtomicInteger usagePosts = new AtomicInteger();
  private final CountDownLatch releaseStreams = new CountDownLatch(1);
  private final AtomicReference<Headers> proxiedHeaders = new AtomicReference<>();
  private Upstream local;
  private Gateway gw;
  private int port;

  @BeforeEach
  void start() throws IOException {
    local = new Upstream("local");
    local.on("/echo", ex -> {
      proxiedHeaders.set(ex.getRequestHeaders());
      Upstream.reply(ex, 200, "text/plain", "echo");
    });
    GatewaySettings s = new GatewaySettings(true, 0, 1 << 20, 5, 60,
        List.of(new RouteRule("local", "/l/", "LOCAL_ONLY", local.uri().toString(), "GENERIC")));
    gw = new Gateway(s, Optional::empty, () -> false, u -> { }, Clock.systemUTC(), tasks);
    gw.mount("/usage", ex -> {
      try (ex) {
        usagePosts.incrementAndGet();
        Upstream.reply(ex, 202, "application/json", "{\"accepted\":1}");
      }
    });
    gw.mountStream("/cost/stream", ex -> {
      try (ex) {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        out.write("event: snapshot\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        releaseStreams.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    gw.start();
    port = gw.port();
  }

  @AfterEach
  void stop() {
    releaseStreams.countDown();
    gw.close();
    local.close();
    tasks.close();
  }

  private RawHttp.Reply get(String path, String host) throws IOException {
    return RawHttp.send(port, "GET " + path + " HTTP/1.1\r\nHost: " + host, "");
  }

  private RawHttp.Reply postUsage(String contentType, String origin) throws IOException {
    return RawHttp.send(port, "POST /usage HTTP/1.1\r\nHost: 127.0.0.1:" + port
        + (contentType == null ? "" : "\r\nContent-Type: " + contentType)
        + (origin == null ? "" : "\r\nOrigin: " + origin), "{\"provider\":\"openai\",\"model\":\"gpt-4o\"}");
  }

  @Test
  void reboundHostIsRefusedOnEveryEndpointWithoutData() throws Exception {
    for (String path : List.of("/health", "/routes", "/cost/stream", "/l/echo")) {
      RawHttp.Reply r = get(path, "evil.com");
      assertThat(r.status()).as(path).isEqualTo(421);
      assertThat(JSON.readTree(r.body()).get("error").asText()).as(path).contains("evil.com");
      assertThat(r.body()).doesNotContain("cloudHealthy").doesNotContain("pathPrefix").doesNotContain("snapshot");
    }
    assertThat(get("/health", "evil.com:" + port).status()).isEqualTo(421);
    assertThat(get("/health", "127.0.0.1:" + (port + 1)).status()).isEqualTo(421);
    assertThat(local.seen).isEmpty();
  }

  @Test
  void loopbackHostsNamingThePortAreServed() throws Exception {
    for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "LOCALHOST:" + port, "[::1]:" + port)) {
      RawHttp.Reply r = get("/health", host);
      assertThat(r.status()).as(host).isEqualTo(200);
      assertThat(JSON.readTree(r.body()).get("status").asText()).isEqualTo("ok");
    }
  }

  @Test
  void missingHostIsRefused() throws Exception {
    assertThat(RawHttp.send(port, "GET /health HTTP/1.0", "").status()).isEqualTo(421);
  }

  @Test
  void webPagePostWithTextPlainAndForeignOriginIsRefused() throws Exception {
    RawHttp.Reply r = postUsage("text/plain", "http://evil.example");
    assertThat(r.status()).isEqualTo(403);
    assertThat(JSON.readTree(r.body()).get("error").asText()).contains("http://evil.example");
    assertThat(usagePosts).hasValue(0);
  }

  @Test
  void foreignOriginIsRefusedEvenWithJson() throws Exception {
    assertThat(postUsage("application/json", "http://evil.example").status()).isEqualTo(403);
    assertThat(postUsage("application/json", "null").status()).isEqualTo(403);
    assertThat(postUsage("application/json", "http://127.0.0.1.evil.example").status()).isEqualTo(403);
    assertThat(get("/cost/stream", "127.0.0.1:" + port).status()).isEqualTo(200); // no Origin: a local tool
    assertThat(RawHttp.send(port, "GET /cost/stream HTTP/1.1\r\nHost: 127.0.0.1:" + port
        + "\r\nOrigin: https://evil.example", "").status()).isEqualTo(403);
    assertThat(usagePosts).hasValue(0);
  }

  @Test
  void postWithoutJsonContentTypeIsRefused() throws Exception {
    for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x")) {
      RawHttp.Reply r = postUsage(type, null);
      assertThat(r.status()).as(type).isEqualTo(415);
      assertThat(JSON.readTree(r.body()).get("error").asText()).contains("application/json");
    }
    assertThat(postUsage(null, null).status()).isEqualTo(415);
    assertThat(usagePosts).hasValue(0);
  }

  @Test
  void jsonPostFromALocalToolOrLoopbackPageIsAccepted() throws Exception {
    assertThat(postUsage("application/json", null).status()).isEqualTo(202);
    assertThat(postUsage("application/json; charset=utf-8", "http://localhost:3000").status()).isEqualTo(202);
    assertThat(usagePosts).hasValue(2);
  }

  @Test
  void proxiedRoutesPassBodiesAndHeadersThroughUnchanged() throws Exception {
    RawHttp.Reply r = RawHttp.send(port, "POST /l/echo HTTP/1.1\r\nHost: 127.0.0.1:" + port
        + "\r\nContent-Type: text/plain\r\nOrigin: http://app.example\r\nX-Custom: 1", "plain text");
    assertThat(r.status()).isEqualTo(200);
    assertThat(proxiedHeaders.get().getFirst("Content-Type")).isEqualTo("text/plain");
    assertThat(proxiedHeaders.get().getFirst("Origin")).isEqualTo("http://app.example");
    assertThat(proxiedHeaders.get().getFirst("X-Custom")).isEqualTo("1");
    assertThat(local.seen).singleElement().satisfies(s -> assertThat(s.body()).isEqualTo("plain text"));
  }

  @Test
  void ownEndpointsMatchExactPathsOnly() throws Exception {
    assertThat(get("/healthz", "127.0.0.1:" + port).status()).isEqualTo(404);
    assertThat(get("/health/x", "127.0.0.1:" + port).status()).isEqualTo(404);
    assertThat(get("/cost/streamer", "127.0.0.1:" + port).status()).isEqualTo(404);
    assertThat(get("/cost/stream/x", "127.0.0.1:" + port).status()).isEqualTo(404);
    for (String path : List.of("/usage/x", "/usagex")) {
      RawHttp.Reply r = RawHttp.send(port, "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
          + "\r\nContent-Type: application/json", "{}");
      assertThat(r.status()).as(path).isEqualTo(404);
    }
    assertThat(usagePosts).hasValue(0);
  }

  @Test
  void streamClientsAreCappedAndOthersAreStillServed() throws Exception {
    List<Socket> open = new ArrayList<>();
    try {
      for (int i = 0; i < LoopbackServer.STREAM_CLIENTS; i++) {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(10_000);
        s.getOutputStream().write(("GET /cost/stream HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
        open.add(s);
        byte[] head = new byte[12];
        assertThat(s.getInputStream().readNBytes(head, 0, 12)).isEqualTo(12);
        assertThat(new String(head, StandardCharsets.ISO_8859_1)).as("client " + i).isEqualTo("HTTP/1.1 200");
      }
      RawHttp.Reply extra = get("/cost/stream", "127.0.0.1:" + port);
      assertThat(extra.status()).isEqualTo(503);
      assertThat(JSON.readTree(extra.body()).get("error").asText()).contains("Too many stream clients");
      assertThat(get("/health", "127.0.0.1:" + port).status()).isEqualTo(200);
      assertThat(get("/l/echo", "127.0.0.1:" + port).status()).isEqualTo(200);
    } finally {
      for (Socket s : open) {
        s.close();
      }
    }
  }

  @Test
  void hundredHalfSentRequestsDoNotStopANewRequest() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 100; i++) {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        // Request line and part of the headers, never the blank line that ends them.
        s.getOutputStream().write(("POST /l/echo HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nX-Slow: ")
            .getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        slow.add(s);
      }
      for (int i = 0; i < 20; i++) {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        // Whole headers, half the body.
        s.getOutputStream().write(("POST /usage HTTP/1.1\r\nHost: 127.0.0.1:" + port
            + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":")
            .getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        slow.add(s);
      }
      Thread.sleep(300); // let the server take them all in
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
      long t0 = System.nanoTime();
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(gw.address().resolve("/l/echo"))
          .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      HttpResponse<String> h = http.send(HttpRequest.newBuilder(gw.address().resolve("/health"))
          .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(h.statusCode()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    } finally {
      for (Socket s : slow) {
        s.close();
      }
    }
  }
}
