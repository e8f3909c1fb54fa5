package dev.headroom;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.config.AppPaths;
import dev.headroom.config.Settings;
import dev.headroom.config.SettingsLoader;
import dev.headroom.core.AppException;
import dev.headroom.memory.ScriptedMemorySource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store that cannot write answers POST /usage with 503 and turns GET /health to 503 "degraded", naming it. */
class StoreHealthTest {
  @TempDir Path home;
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  private App app(Path dataDir) throws IOException {
    Path config = home.resolve("config.json");
    Files.writeString(config, "{\"gateway\":{\"port\":0,\"routes\":[]},\"storage\":{\"dataDir\":"
        + json.writeValueAsString(dataDir.toString()) + "}}");
    Settings settings = new SettingsLoader().load(config, Map.of());
    return new App(settings, new AppPaths(config, dataDir), Clock.systemUTC(), new ScriptedMemorySource(),
        () -> {
          throw new AppException("no cloud in this test");
        }, Optional.empty());
  }

  private HttpResponse<String> post(App app, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(app.gateway.address().resolve("/usage"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode health(App app, int expectedStatus) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(app.gateway.address().resolve("/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(expectedStatus);
    return json.readTree(r.body());
  }

  private static String batch(int n) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",").append("{\"provider\":\"openai\",\"model\":\"gpt-4o-mini-")
          .append("x".repeat(150)).append(i).append("\",\"inputTokens\":").append(i).append('}');
    }
    return b.append(']').toString();
  }

  @Test
  void aFailedWriteIsA503AndHealthSaysWhich() throws Exception {
    try (App app = app(home.resolve("data"))) {
      app.start();
      assertThat(health(app, 200).get("status").asText()).isEqualTo("ok");
      assertThat(post(app, batch(3)).statusCode()).isEqualTo(202);
      app.db.close(); // the store can no longer write (as after an I/O error)
      HttpResponse<String> r = post(app, batch(3));
      assertThat(r.statusCode()).isEqualTo(503);
      JsonNode h = health(app, 503);
      assertThat(h.get("status").asText()).isEqualTo("degraded");
      assertThat(h.get("problems").get("usageStore").asText()).contains("usage writes failing since");
    }
  }

  @Test
  void aFullDiskIsA503NeverA202ThatIsLost() throws Exception {
    Path small = home.resolve("small");
    Files.createDirectories(small);
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", small.toString())
        .redirectErrorStream(true).start();
    Assumptions.assumeTrue(mount.waitFor(10, TimeUnit.SECONDS) && mount.exitValue() == 0,
        "needs root to mount a small tmpfs");
    try {
      long accepted = 0;
      int refused = 0;
      try (App app = app(small.resolve("data"))) {
        app.start();
        for (int i = 0; i < 400 && refused == 0; i++) {
          HttpResponse<String> r = post(app, batch(50));
          if (r.statusCode() == 202) {
            accepted += 50;
          } else {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            refused++;
          }
        }
        assertThat(refused).as("the 3 MiB disk filled up").isPositive();
        assertThat(health(app, 503).get("problems").has("usageStore")).isTrue();
      } catch (AppException e) {
        // closing a database on a full disk may fail: what was acknowledged is checked below
      }
      // Every 202 is on disk: copy the file to a roomy directory and count.
      Path copy = home.resolve("copy");
      Files.createDirectories(copy);
      Files.copy(small.resolve("data/headroom.mv.db"), copy.resolve("headroom.mv.db"));
      try (dev.headroom.store.Database db = dev.headroom.store.Database.open(copy)) {
        long stored = db.withConnection(c -> {
          try (var st = c.createStatement(); var rs = st.executeQuery("SELECT COUNT(*) FROM llm_usage")) {
            rs.next();
            return rs.getLong(1);
          }
        });
        assertThat(stored).isGreaterThanOrEqualTo(accepted);
      }
    } finally {
      new ProcessBuilder("umount", "-l", small.toString()).start().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
