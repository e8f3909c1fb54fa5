package dev.headroom.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The VM side of the private path: resources/startup-script.sh binds the workload to the VM's loopback only. */
class StartupScriptTest {
  @TempDir Path dir;

  private static String script() throws IOException {
    try (var in = StartupScriptTest.class.getResourceAsStream("/startup-script.sh")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static boolean has(String command) {
    try {
      return new ProcessBuilder(command, "--version").redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  @Test
  void theContainerIsPublishedOnTheVmsLoopbackOnly() throws Exception {
    String s = script();
    assertThat(s).contains("docker run -d --restart=always -p \"127.0.0.1:$PORT:$PORT\"");
    assertThat(s).doesNotContain("-p \"$PORT:$PORT\"").doesNotContain("http.server \"$PORT\"")
        .doesNotContain("SimpleHTTPRequestHandler").doesNotContain("0.0.0.0").doesNotContain("firewall rule allowing");
  }

  @Test
  void isValidBash() throws Exception {
    assumeTrue(has("bash"), "bash not installed");
    Path f = dir.resolve("startup-script.sh");
    Files.writeString(f, script());
    Process p = new ProcessBuilder("bash", "-n", f.toString()).redirectErrorStream(true).start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
  }

  @Test
  void theDefaultBackendAnswersHealthOnLoopbackAndServesNothingElse() throws Exception {
    assumeTrue(has("python3"), "python3 not installed");
    String s = script();
    String program = s.substring(s.indexOf("<<'PY'\n") + "<<'PY'\n".length(), s.indexOf("\nPY\n"));
    Path py = dir.resolve("health.py");
    Files.writeString(py, program);
    Files.writeString(dir.resolve("secret.txt"), "do not serve");
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    Process server = new ProcessBuilder("python3", py.toString(), String.valueOf(port)).directory(dir.toFile())
        .redirectErrorStream(true).start();
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      HttpResponse<String> health = null;
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (health == null) {
        try {
          health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
              HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
          if (System.nanoTime() > until) {
            throw e;
          }
          Thread.sleep(50);
        }
      }
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
      for (String path : new String[] {"/", "/secret.txt", "/health/../secret.txt"}) {
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode()).as(path).isEqualTo(404);
      }
      // Bound to 127.0.0.1 alone: another address of the machine (here 127.0.0.2) finds nothing listening.
      assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.2:" + port + "/health"))
          .build(), HttpResponse.BodyHandlers.ofString())).isInstanceOf(ConnectException.class);
    } finally {
      server.destroy();
      server.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
