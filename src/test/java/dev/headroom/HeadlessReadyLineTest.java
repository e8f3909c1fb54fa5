package dev.headroom;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --headless} as a real process: the ready line names the port actually bound, also with port 0. */
class HeadlessReadyLineTest {
  private static final Pattern READY =
      Pattern.compile("^Headroom running headless; gateway on (http://127\\.0\\.0\\.1:(\\d+))(?:;| ).*");

  @TempDir Path home;

  @Test
  void readyLineNamesTheBoundPortWhenPortIsZero() throws Exception {
    Files.writeString(home.resolve("config.json"), "{\"gateway\": {\"port\": 0}}");
    assertReadyLineNamesALivePort(List.of());
  }

  @Test
  void loopbackServerRunsAndIsNamedWhenRoutingIsOff() throws Exception {
    Files.writeString(home.resolve("config.json"), "{\"gateway\": {\"port\": 0, \"enabled\": false}}");
    assertReadyLineNamesALivePort(List.of());
  }

  private void assertReadyLineNamesALivePort(List<String> extraArgs) throws Exception {
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-cp", classpath, "dev.headroom.Main", "--headless"));
    cmd.addAll(extraArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().keySet().removeIf(k -> k.startsWith("HEADROOM_"));
    pb.environment().put("HEADROOM_HOME", home.toString());
    Process p = pb.start();
    try {
      BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      CompletableFuture<Matcher> ready = CompletableFuture.supplyAsync(() -> {
        try {
          for (String line; (line = err.readLine()) != null; ) {
            lines.add(line);
            Matcher m = READY.matcher(line);
            if (m.matches()) {
              return m;
            }
          }
          return null;
        } catch (java.io.IOException e) {
          return null;
        }
      });
      Matcher m = ready.get(60, TimeUnit.SECONDS);
      assertThat(m).as("stderr: %s", lines).isNotNull();
      int port = Integer.parseInt(m.group(2));
      assertThat(port).isPositive().isNotEqualTo(8010);
      HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(m.group(1) + "/health")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("\"status\":\"ok\"").contains(m.group(1));
    } finally {
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }
}
