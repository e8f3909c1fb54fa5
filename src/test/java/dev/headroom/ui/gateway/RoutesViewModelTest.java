package dev.headroom.ui.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.config.GatewaySettings;
import dev.headroom.config.GatewaySettings.RouteRule;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.Tasks;
import dev.headroom.gateway.Gateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import dev.headroom.spot.SpotVm;
import dev.headroom.spot.VmState;
import dev.headroom.tunnel.TunnelStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Plain JUnit (direct executor): the counts follow real requests through a real gateway. */
class RoutesViewModelTest {
  @Test
  void countsFollowRequests() throws Exception {
    try (Tasks tasks = ExecutorTasks.create("rv", 1)) {
      Gateway gw = new Gateway(new GatewaySettings(true, 0, 1000, 2, 60,
          List.of(new RouteRule("work", "/work/", "CLOUD_ONLY", "http://127.0.0.1:9", "GENERIC"))),
          Optional::empty, () -> false, u -> { }, Clock.systemUTC(), tasks);
      gw.start();
      try {
        RoutesViewModel vm = new RoutesViewModel(gw, tasks, Runnable::run);
        vm.refresh();
        assertThat(vm.rows()).singleElement().satisfies(r -> {
          assertThat(r.requests()).isZero();
          assertThat(r.target()).isEqualTo(dev.headroom.gateway.Target.NONE);
        });
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gw.address() + "/work/x")).build(),
            HttpResponse.BodyHandlers.discarding());
        vm.refresh();
        assertThat(vm.rows().get(0).requests()).isEqualTo(1);
        assertThat(vm.rows().get(0).errors()).isEqualTo(1); // CLOUD_ONLY without a VM: 503
        assertThat(vm.headerProperty().get()).contains("cloud target: none: no Spot VM is running");
        assertThat(vm.tunnelProperty().get()).isEqualTo("SSH tunnel: no running VM");
      } finally {
        gw.close();
      }
    }
  }

  @Test
  void tunnelLineShowsTheLoopbackEndAndPinnedKeyOrWhyItIsDown() {
    Instant t = Instant.parse("2026-11-23T10:00:00Z");
    assertThat(RoutesViewModel.tunnelLine(List.of(new TunnelStatus("headroom-a", TunnelStatus.State.UP,
        Optional.of(40123), "ssh-ed25519 SHA256:abc", "", t))))
        .isEqualTo("SSH tunnel to headroom-a: up 127.0.0.1:40123, host key ssh-ed25519 SHA256:abc");
    assertThat(RoutesViewModel.tunnelLine(List.of(new TunnelStatus("headroom-a", TunnelStatus.State.REFUSED,
        Optional.empty(), "ssh-ed25519 SHA256:abc", "host key mismatch: the VM presented host key x", t))))
        .isEqualTo("SSH tunnel to headroom-a: refused, host key ssh-ed25519 SHA256:abc"
            + " (host key mismatch: the VM presented host key x)");
  }

  @Test
  void withoutACloudTargetTheHeaderSaysWhetherTheTunnelOrTheBackendIsMissing() {
    Instant t = Instant.parse("2026-11-23T10:00:00Z");
    SpotVm vm = new SpotVm("headroom-a", "us-central1-a", "e2-highmem-4", VmState.RUNNING, "127.0.2.3", t,
        Optional.of(t), Optional.empty(), java.time.Duration.ofHours(3), "s", "Running");
    assertThat(RoutesViewModel.cloudTarget(Optional.empty(), List.of(vm), 8080, List.of(new TunnelStatus(
        "headroom-a", TunnelStatus.State.WAITING_FOR_HOST_KEYS, Optional.empty(), "", "not published yet", t))))
        .isEqualTo("none: headroom-a runs, but its SSH tunnel is waiting for host keys (not published yet)");
    assertThat(RoutesViewModel.cloudTarget(Optional.empty(), List.of(vm), 8080, List.of(new TunnelStatus(
        "headroom-a", TunnelStatus.State.UP, Optional.of(40123), "ssh-ed25519 SHA256:abc", "", t))))
        .isEqualTo("none: headroom-a runs, but its backend (127.0.0.1:8080 on the VM, through the SSH tunnel)"
            + " does not answer the health check");
  }
}
