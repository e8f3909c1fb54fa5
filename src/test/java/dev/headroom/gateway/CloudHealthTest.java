package dev.headroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.config.GatewaySettings;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.Tasks;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The cloud target is healthy only when its health endpoint answers 2xx over HTTP, not when a port accepts. */
class CloudHealthTest {
  private final Tasks tasks = ExecutorTasks.create("health-test", 2);
  private final AtomicReference<Optional<URI>> vm = new AtomicReference<>(Optional.empty());
  private Gateway gw;

  private Gateway gateway(String healthPath) {
    GatewaySettings s = new GatewaySettings(true, 0, 1000, 2, 60, List.of(), healthPath);
    gw = new Gateway(s, vm::get, () -> false, u -> { }, Clock.systemUTC(), tasks);
    return gw;
  }

  @AfterEach
  void stop() {
    if (gw != null) {
      gw.close();
    }
    tasks.close();
  }

  @Test
  void backendAnswering200OnItsHealthPathIsHealthy() throws Exception {
    try (Upstream vmBackend = new Upstream("vm")) {
      vmBackend.on("/ready", ex -> Upstream.reply(ex, 200, "text/plain", "ok"));
      vm.set(Optional.of(vmBackend.uri()));
      Gateway g = gateway("/ready");
      g.checkCloud();
      assertThat(g.healthyCloud()).contains(vmBackend.uri());
      assertThat(vmBackend.seen).extracting(Upstream.Seen::pathAndQuery).contains("/ready");
    }
  }

  @Test
  void portThatAcceptsButAnswersNothingIsUnhealthy() throws Exception {
    // What a local SSH tunnel looks like when the VM's backend is down: the port accepts, no HTTP answer comes.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      vm.set(Optional.of(URI.create("http://127.0.0.1:" + silent.getLocalPort())));
      Gateway g = gateway("/health");
      g.checkCloud();
      assertThat(g.healthyCloud()).isEmpty();
    }
  }

  @Test
  void backendAnsweringAnErrorOnTheHealthPathIsUnhealthy() throws IOException {
    try (Upstream vmBackend = new Upstream("vm")) {
      vmBackend.on("/health", ex -> Upstream.reply(ex, 503, "text/plain", "starting"));
      vm.set(Optional.of(vmBackend.uri()));
      Gateway g = gateway("/health");
      g.checkCloud();
      assertThat(g.healthyCloud()).isEmpty();
    }
  }

  @Test
  void defaultHealthPathIsSlashHealth() {
    GatewaySettings s = new GatewaySettings(true, 0, 1000, 2, 60, List.of());
    assertThat(s.cloudHealthPath()).isEqualTo("/health");
  }
}
