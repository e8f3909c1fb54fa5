package dev.headroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.headroom.config.GatewaySettings;
import dev.headroom.config.GatewaySettings.RouteRule;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.Tasks;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LLM providers are https: the gateway speaks TLS to them, verifies the certificate and the host name. A real TLS
 * server on loopback with a certificate for {@code localhost} (made by keytool) stands in for the provider.
 */
class HttpsBackendTest {
  private static final char[] PASSWORD = "changeit".toCharArray();
  @TempDir Path dir;
  private final Tasks tasks = ExecutorTasks.create("https-test", 2);
  private HttpsServer provider;
  private TrustManagerFactory trust;
  private Gateway gw;

  @BeforeEach
  void start() throws Exception {
    Path ks = dir.resolve("provider.p12");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "provider", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
        "-ext", "SAN=dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(),
        "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(ks.toFile())) {
      store.load(in, PASSWORD);
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, PASSWORD);
    trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keys.getKeyManagers(), null, null);
    provider = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    provider.setHttpsConfigurator(new HttpsConfigurator(tls));
    provider.setExecutor(Executors.newCachedThreadPool());
    provider.createContext("/v1/messages", ex -> Upstream.reply(ex, 200, "application/json",
        "{\"id\":\"m\",\"model\":\"claude-haiku-4-5\",\"usage\":{\"input_tokens\":7,\"output_tokens\":3}}"));
    provider.start();
  }

  @AfterEach
  void stop() {
    if (gw != null) {
      gw.close();
    }
    provider.stop(0);
    tasks.close();
  }

  private HttpResponse<String> viaGateway(String providerUrl, List<dev.headroom.cost.LlmUsage> usage)
      throws Exception {
    GatewaySettings s = new GatewaySettings(true, 0, 1 << 20, 5, 60,
        List.of(new RouteRule("claude", "/anthropic/", "LOCAL_ONLY", providerUrl, "ANTHROPIC")));
    gw = new Gateway(s, Optional::empty, () -> false, usage::add, Clock.systemUTC(), tasks, Optional.of(trust));
    gw.start();
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(gw.address().resolve("/anthropic/v1/messages"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"claude-haiku-4-5\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void httpsProviderIsReachedOverTlsAndMetered() throws Exception {
    List<dev.headroom.cost.LlmUsage> usage = new java.util.concurrent.CopyOnWriteArrayList<>();
    HttpResponse<String> r = viaGateway("https://localhost:" + provider.getAddress().getPort(), usage);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("claude-haiku-4-5");
    assertThat(usage).singleElement().satisfies(u -> assertThat(u.inputTokens()).isEqualTo(7));
  }

  @Test
  void certificateForAnotherHostNameIsRefused() throws Exception {
    // The certificate names localhost only; reached as 127.0.0.1 it must not be trusted.
    HttpResponse<String> r = viaGateway("https://127.0.0.1:" + provider.getAddress().getPort(), List.of());
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(new ObjectMapper().readTree(r.body()).get("route").asText()).isEqualTo("claude");
  }
}
