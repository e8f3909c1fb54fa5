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
import java.time.Clock;
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
      } finally {
        gw.close();
      }
    }
  }
}
