package dev.headroom.ui.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.spot.SpotVm;
import dev.headroom.spot.VmState;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Routes header says why there is no cloud target. */
class CloudTargetTextTest {
  private static SpotVm vm(VmState state, String ip) {
    Instant t = Instant.parse("2026-11-23T10:00:00Z");
    return new SpotVm("headroom-1", "us-central1-a", "e2-highmem-4", state, ip, t,
        state == VmState.RUNNING ? Optional.of(t) : Optional.empty(), Optional.empty(), Duration.ofHours(3), "s",
        "");
  }

  @Test
  void aHealthyTargetIsNamed() {
    assertThat(RoutesViewModel.cloudTarget(Optional.of(URI.create("http://127.0.0.1:40123")), List.of(), 8080,
        List.of())).isEqualTo("Spot VM through the SSH tunnel at http://127.0.0.1:40123");
  }

  @Test
  void aRunningVmWhoseTunnelIsNotOpenYet() {
    assertThat(RoutesViewModel.cloudTarget(Optional.empty(), List.of(vm(VmState.RUNNING, "127.0.2.3")), 8080,
        List.of())).isEqualTo("none: headroom-1 runs, but its SSH tunnel is not open yet");
  }

  @Test
  void startingNoIpAndNoVm() {
    assertThat(RoutesViewModel.cloudTarget(Optional.empty(), List.of(vm(VmState.PROVISIONING, "")), 8080, List.of()))
        .isEqualTo("none: headroom-1 is starting");
    assertThat(RoutesViewModel.cloudTarget(Optional.empty(), List.of(vm(VmState.RUNNING, "")), 8080, List.of()))
        .contains("no external IP");
    assertThat(RoutesViewModel.cloudTarget(Optional.empty(), List.of(vm(VmState.DELETED, "")), 8080, List.of()))
        .startsWith("none: no Spot VM is running");
  }
}
