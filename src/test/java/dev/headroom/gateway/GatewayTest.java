package dev.headroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.config.GatewaySettings;
import dev.headroom.config.GatewaySettings.RouteRule;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.Tasks;
import dev.headroom.cost.LlmUsage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway with real HTTP on loopback: real upstream servers, a real client. */
class GatewayTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Tasks tasks = ExecutorTasks.create("gw-test", 2);
  private final List<LlmUsage> usage = new CopyOnWriteArrayList<>();
  private final AtomicReference<Optional<URI>> vm = new AtomicReference<>(Optional.empty());
  private final AtomicBoolean pressured = new AtomicBoolean();
  private Upstream local;
  private Upstream cloud;
  private Upstream provider;
  private Gateway gw;

  @BeforeEach
  void start() throws IOException {
    local = new Upstream("local");
    cloud = new Upstream("cloud");
    provider = new Upstream("provider");
    startGateway(1_000, 2);
  }

  private void startGateway(long maxBytes, int timeoutSeconds) {
    if (gw != null) {
      gw.close();
    }
    String l = local.uri().toString();
    GatewaySettings s = new GatewaySettings(true, 0, maxBytes, timeoutSeconds, 60, List.of(
        new RouteRule("local", "/l/", "LOCAL_ONLY", l, "GENERIC"),
        new RouteRule("pref", "/p/", "CLOUD_PREFERRED", l, "GENERIC"),
        new RouteRule("only", "/c/", "CLOUD_ONLY", l, "GENERIC"),
        new RouteRule("press", "/w/", "CLOUD_WHEN_PRESSURED", l, "GENERIC"),
        new RouteRule("openai", "/openai/", "LOCAL_ONLY", provider.uri().toString(), "OPENAI"),
        new RouteRule("claude", "/anthropic/", "LOCAL_ONLY", provider.uri().toString(), "ANTHROPIC")));
    gw = new Gateway(s, vm::get, pressured::get, usage::add, Clock.systemUTC(), tasks);
    gw.start();
  }

  @AfterEach
  void stop() {
    gw.close();
    local.close();
    cloud.close();
    provider.close();
    tasks.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(gw.address().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(gw.address().resolve(path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void localOnlyStripsThePrefixAndKeepsTheQuery() throws Exception {
    vm.set(Optional.of(cloud.uri()));
    HttpResponse<String> r = get("/l/v1/run?x=1&y=two");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("local GET /v1/run?x=1&y=two");
    assertThat(local.seen.get(0).header()).isEqualTo("local");
  }

  @Test
  void cloudPreferredGoesToTheRunningVm() throws Exception {
    vm.set(Optional.of(cloud.uri()));
    assertThat(post("/p/job", "{}").body()).isEqualTo("cloud POST /job");
    // The cloud backend also sees the gateway's health check (GET /health); the forwarded request is the POST.
    assertThat(cloud.seen).filteredOn(x -> x.method().equals("POST")).singleElement()
        .satisfies(x -> assertThat(x.body()).isEqualTo("{}"));
    assertThat(gw.lastCloudTraffic()).isPresent();
    assertThat(gw.stats()).filteredOn(s -> s.name().equals("pref")).singleElement()
        .satisfies(s -> assertThat(s.cloud()).isEqualTo(1));
  }

  @Test
  void cloudPreferredIsServedLocallyWithoutAVm() throws Exception {
    assertThat(get("/p/job").body()).isEqualTo("local GET /job");
    assertThat(gw.lastCloudTraffic()).isEmpty();
  }

  @Test
  void cloudPreferredFallsBackToLocalWhenTheVmIsGone() throws Exception {
    vm.set(Optional.of(URI.create("http://127.0.0.1:" + closedPort())));
    HttpResponse<String> r = post("/p/job", "{\"n\":1}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("local POST /job");
    assertThat(local.seen.get(0).body()).isEqualTo("{\"n\":1}");
    assertThat(gw.healthyCloud()).isEmpty(); // marked down after the failed connect
    assertThat(gw.stats()).filteredOn(s -> s.name().equals("pref")).singleElement()
        .satisfies(s -> assertThat(s.local()).isEqualTo(1));
  }

  @Test
  void cloudOnlyWithoutAVmAnswers503WithAReason() throws Exception {
    HttpResponse<String> r = get("/c/x");
    assertThat(r.statusCode()).isEqualTo(503);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("error").asText()).contains("CLOUD_ONLY").contains("no Spot VM is running");
    assertThat(local.seen).isEmpty();
  }

  @Test
  void cloudWhenPressuredFollowsLocalPressure() throws Exception {
    vm.set(Optional.of(cloud.uri()));
    assertThat(get("/w/a").body()).isEqualTo("local GET /a");
    pressured.set(true);
    assertThat(get("/w/a").body()).isEqualTo("cloud GET /a");
  }

  @Test
  void oversizedBodyIsRefusedWith413() throws Exception {
    HttpResponse<String> r = post("/l/upload", "x".repeat(1_001));
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(JSON.readTree(r.body()).get("error").asText()).contains("maxRequestBytes");
    assertThat(local.seen).isEmpty();
  }

  @Test
  void deadLocalBackendGives502NamingTheTarget() throws Exception {
    local.close();
    HttpResponse<String> r = get("/l/x");
    assertThat(r.statusCode()).isEqualTo(502);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("target").asText()).isEqualTo(local.uri().toString());
    assertThat(body.get("route").asText()).isEqualTo("local");
  }

  @Test
  void slowBackendGives504() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    local.on("/slow", ex -> {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Upstream.reply(ex, 200, "text/plain", "late");
    });
    startGateway(1_000, 1);
    HttpResponse<String> r = get("/l/slow");
    release.countDown();
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(JSON.readTree(r.body()).get("error").asText()).contains("did not answer within 1 s");
  }

  @Test
  void unknownPathGives404ListingRoutes() throws Exception {
    HttpResponse<String> r = get("/nope");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(r.body()).get("routes").asText()).contains("/l/").contains("/openai/");
  }

  @Test
  void listensOnLoopbackOnly() {
    assertThat(gw.address().getHost()).isEqualTo("127.0.0.1");
  }

  @Test
  void mountedHandlersAreServed() throws Exception {
    gw.close();
    GatewaySettings s = new GatewaySettings(true, 0, 1000, 2, 60, List.of());
    gw = new Gateway(s, vm::get, pressured::get, usage::add, Clock.systemUTC(), tasks);
    gw.mount("/usage", ex -> Upstream.reply(ex, 202, "application/json", "{\"accepted\":1}"));
    gw.start();
    assertThat(post("/usage", "{}").statusCode()).isEqualTo(202);
    assertThat(get("/health").body()).contains("\"status\":\"ok\"");
  }

  @Test
  void streamedEventsReachTheClientBeforeTheUpstreamFinishes() throws Exception {
    CountDownLatch firstSeen = new CountDownLatch(1);
    local.on("/events", ex -> {
      ex.getResponseHeaders().set("Content-Type", "text/event-stream");
      ex.sendResponseHeaders(200, 0);
      try (OutputStream out = ex.getResponseBody()) {
        out.write("data: one\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        firstSeen.await(10, TimeUnit.SECONDS);
        out.write("data: two\n\n".getBytes(StandardCharsets.UTF_8));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(gw.address().resolve("/l/events")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      assertThat(in.readLine()).isEqualTo("data: one"); // would block forever if the gateway buffered
      firstSeen.countDown();
      in.readLine();
      assertThat(in.readLine()).isEqualTo("data: two");
    }
  }

  @Test
  void openAiStreamIsMeteredWithCachedAndReasoningTokens() throws Exception {
    provider.on("/v1/chat/completions", ex -> {
      ex.getResponseHeaders().set("Content-Type", "text/event-stream");
      ex.sendResponseHeaders(200, 0);
      try (OutputStream out = ex.getResponseBody()) {
        for (String chunk : List.of(
            "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}],\"usage\":null}",
            "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}],\"usage\":null}",
            "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-2024-08-06\",\"choices\":[],\"usage\":{\"prompt_tokens\":1200,\"completion_tokens\":350,\"total_tokens\":1550,\"prompt_tokens_details\":{\"cached_tokens\":1024},\"completion_tokens_details\":{\"reasoning_tokens\":100}}}")) {
          out.write(("data: " + chunk + "\n\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
      }
    });
    HttpResponse<String> r = post("/openai/v1/chat/completions",
        "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("data: [DONE]");
    JsonNode sent = JSON.readTree(provider.seen.get(0).body());
    assertThat(sent.path("stream_options").path("include_usage").asBoolean()).isTrue();
    assertThat(usage).singleElement().satisfies(u -> {
      assertThat(u.provider()).isEqualTo("openai");
      assertThat(u.model()).isEqualTo("gpt-4o-2024-08-06");
      assertThat(u.inputTokens()).isEqualTo(1200);
      assertThat(u.cachedInputTokens()).isEqualTo(1024);
      assertThat(u.outputTokens()).isEqualTo(250);
      assertThat(u.reasoningTokens()).isEqualTo(100);
      assertThat(u.route()).isEqualTo("openai");
    });
  }

  @Test
  void openAiJsonResponseIsMetered() throws Exception {
    provider.on("/v1/chat/completions", ex -> Upstream.reply(ex, 200, "application/json",
        "{\"id\":\"x\",\"model\":\"o3-mini\",\"usage\":{\"prompt_tokens\":50,\"completion_tokens\":80,"
            + "\"completion_tokens_details\":{\"reasoning_tokens\":60}}}"));
    post("/openai/v1/chat/completions", "{\"model\":\"o3-mini\"}");
    assertThat(usage).singleElement().satisfies(u -> {
      assertThat(u.model()).isEqualTo("o3-mini");
      assertThat(u.inputTokens()).isEqualTo(50);
      assertThat(u.outputTokens()).isEqualTo(20);
      assertThat(u.reasoningTokens()).isEqualTo(60);
    });
  }

  @Test
  void anthropicStreamIsMeteredIncludingCacheReads() throws Exception {
    provider.on("/v1/messages", ex -> {
      ex.getResponseHeaders().set("Content-Type", "text/event-stream");
      ex.sendResponseHeaders(200, 0);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":"
            + "\"claude-sonnet-4-5\",\"usage\":{\"input_tokens\":20,\"cache_read_input_tokens\":2000,"
            + "\"cache_creation_input_tokens\":0,\"output_tokens\":1}}}\n\n"
            + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
            + "\"text_delta\",\"text\":\"Hi\"}}\n\n"
            + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
            + "\"usage\":{\"output_tokens\":42}}\n\n"
            + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n").getBytes(StandardCharsets.UTF_8));
      }
    });
    post("/anthropic/v1/messages", "{\"model\":\"claude-sonnet-4-5\",\"stream\":true}");
    assertThat(usage).singleElement().satisfies(u -> {
      assertThat(u.provider()).isEqualTo("anthropic");
      assertThat(u.model()).isEqualTo("claude-sonnet-4-5");
      assertThat(u.inputTokens()).isEqualTo(2020);
      assertThat(u.cachedInputTokens()).isEqualTo(2000);
      assertThat(u.outputTokens()).isEqualTo(42);
    });
    // Anthropic requests are forwarded unchanged (no OpenAI stream_options injected).
    assertThat(provider.seen.get(0).body()).isEqualTo("{\"model\":\"claude-sonnet-4-5\",\"stream\":true}");
  }

  @Test
  void anthropicJsonResponseIsMetered() throws Exception {
    provider.on("/v1/messages", ex -> Upstream.reply(ex, 200, "application/json",
        "{\"id\":\"m\",\"model\":\"claude-haiku-4-5\",\"usage\":{\"input_tokens\":10,\"output_tokens\":5,"
            + "\"cache_creation_input_tokens\":100,\"cache_read_input_tokens\":0}}"));
    post("/anthropic/v1/messages", "{}");
    assertThat(usage).singleElement().satisfies(u -> {
      assertThat(u.inputTokens()).isEqualTo(110);
      assertThat(u.cachedInputTokens()).isZero();
      assertThat(u.outputTokens()).isEqualTo(5);
    });
  }

  @Test
  void providerErrorsAreNotMetered() throws Exception {
    provider.on("/v1/chat/completions", ex -> Upstream.reply(ex, 429, "application/json",
        "{\"error\":{\"message\":\"rate limited\"}}"));
    assertThat(post("/openai/v1/chat/completions", "{}").statusCode()).isEqualTo(429);
    assertThat(usage).isEmpty();
  }
}
