package dev.headroom;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.control.InstanceFile;
import dev.headroom.spot.FakeComputeServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code --headless} Headroom in a child process (gateway disabled: the control API must listen anyway),
 * with Google Cloud faked on loopback; the CLI verbs of this JVM must go through its control API (the child owns
 * the store, so a local run could not open it) and print what the running app has.
 */
class HeadlessInstanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path home;
  private FakeComputeServer gce;
  private Process child;
  private Map<String, String> env;

  @BeforeEach
  void startHeadless() throws Exception {
    gce = new FakeComputeServer();
    env = new HashMap<>();
    env.put("HEADROOM_HOME", home.toString());
    env.put("HEADROOM_GATEWAY_ENABLED", "false");
    env.put("HEADROOM_GATEWAY_PORT", "0"); // any free port: 8010 may be taken on a shared machine
    env.put("HEADROOM_GCP_PROJECT", "test-project");
    env.put("HEADROOM_GCP_ZONES", "us-central1-a");
    env.put("HEADROOM_GCP_COMPUTE_ENDPOINT", gce.endpoint());
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "--headless");
    pb.environment().putAll(env);
    pb.redirectErrorStream(true).redirectOutput(home.resolve("child.log").toFile());
    child = pb.start();
    Instant deadline = Instant.now().plusSeconds(60);
    while (InstanceFile.read(home.resolve("data")).isEmpty()) {
      assertThat(child.isAlive()).as("child died: %s", log()).isTrue();
      assertThat(Instant.now()).as("no instance file after 60 s: %s", log()).isBefore(deadline);
      Thread.sleep(100);
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (child != null && child.isAlive()) {
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    gce.close();
  }

  private String log() throws Exception {
    return Files.readString(home.resolve("child.log"));
  }

  private record Run(int code, String out, String err) {}

  private Run cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void theCliTalksToTheRunningInstanceThenRunsItselfOnceItIsGone() throws Exception {
    InstanceFile instance = InstanceFile.read(home.resolve("data")).orElseThrow();
    assertThat(instance.pid()).isEqualTo(child.pid());

    Run status = cli("status", "--json");
    assertThat(status.code()).as(status.err()).isZero();
    JsonNode s = JSON.readTree(status.out());
    assertThat(s.get("totalBytes").asLong()).isPositive();
    assertThat(s.get("pressure").asText()).isIn("NORMAL", "HIGH", "CRITICAL");

    Run created = cli("vm", "create");
    assertThat(created.code()).as(created.err()).isZero();
    assertThat(gce.inserts).hasSize(1);
    String name = gce.inserts.get(0).get("name").asText();
    assertThat(created.out()).contains(name + " RUNNING in us-central1-a");

    Run list = cli("vm", "list", "--json");
    assertThat(list.code()).as(list.err()).isZero();
    JsonNode vms = JSON.readTree(list.out());
    assertThat(vms).hasSize(1);
    assertThat(vms.get(0).get("name").asText()).isEqualTo(name);
    assertThat(vms.get(0).get("state").asText()).isEqualTo("RUNNING");
    assertThat(vms.get(0).get("sessionId").asText()).isNotBlank();

    Run show = cli("vm", "show", name);
    assertThat(show.code()).as(show.err()).isZero();
    assertThat(show.out()).startsWith(name + "  RUNNING").contains("Timeline (UTC):");
    Run showJson = cli("vm", "show", name, "--json");
    assertThat(showJson.code()).as(showJson.err()).isZero();
    assertThat(JSON.readTree(showJson.out()).get("state").asText()).isEqualTo("RUNNING");
    assertThat(JSON.readTree(showJson.out()).get("events").size()).isGreaterThanOrEqualTo(2);

    // The running app's cost snapshot (recomputed every 2 s) comes to include the new VM.
    Run cost = cli("cost", "--json");
    for (int i = 0; i < 50 && !cost.out().contains(name); i++) {
      Thread.sleep(100);
      cost = cli("cost", "--json");
    }
    assertThat(cost.code()).as(cost.err()).isZero();
    JsonNode c = JSON.readTree(cost.out());
    assertThat(c.has("totalToday")).isTrue();
    assertThat(c.get("vms").get(0).get("name").asText()).isEqualTo(name);

    Run price = cli("price", "vm", "e2-highmem-4", "--json");
    assertThat(price.code()).as(price.err()).isZero();
    assertThat(JSON.readTree(price.out()).toString()).contains("e2-highmem-4");

    Run usage = cli("vm", "frobnicate");
    assertThat(usage.code()).isEqualTo(64);
    assertThat(usage.out()).isEmpty();

    Run second = cli("--headless");
    assertThat(second.code()).isEqualTo(Main.ALREADY_RUNNING);
    assertThat(second.err()).contains("already running (pid " + child.pid());

    // SIGTERM: the same orderly shutdown as Quit (exit 0, instance file removed, store closed).
    child.destroy();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(log()).isZero();
    assertThat(log()).contains("Shutting down (SIGTERM)");
    assertThat(InstanceFile.path(home.resolve("data"))).doesNotExist();

    // No instance: the same verb opens the store itself and prints the same VM.
    Run local = cli("vm", "list", "--json");
    assertThat(local.code()).as(local.err()).isZero();
    JsonNode localVms = JSON.readTree(local.out());
    assertThat(localVms).hasSize(1);
    assertThat(localVms.get(0).get("name").asText()).isEqualTo(name);
    assertThat(localVms.get(0).get("state").asText()).isEqualTo("RUNNING");
  }

  @Test
  void theControlApiRefusesARequestWithoutTheToken() throws Exception {
    InstanceFile instance = InstanceFile.read(home.resolve("data")).orElseThrow();
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + instance.port() + "/control/run"))
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString("{\"args\":[\"vm\",\"terminate\",\"--all\"]}")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(gce.deletes).isEmpty();
    assertThat(List.of(r.body())).noneMatch(b -> b.contains(instance.token()));
  }
}
