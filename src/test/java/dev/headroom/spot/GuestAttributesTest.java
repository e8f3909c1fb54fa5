package dev.headroom.spot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** instances.getGuestAttributes on the real InstancesClient against the fake Compute server. */
class GuestAttributesTest {
  private FakeComputeServer fake;
  private Compute compute;

  @BeforeEach
  void setUp() throws Exception {
    fake = new FakeComputeServer();
    compute = FakeComputeServer.client(fake.settings(List.of("us-central1-a"))).get();
    fake.seed("us-central1-a", "headroom-a", "RUNNING", Map.of("managed-by", "headroom"));
  }

  @AfterEach
  void tearDown() {
    compute.close();
    fake.close();
  }

  @Test
  void notPublishedYetIsEmptyNotAnError() {
    fake.hostKeys.put("ssh-ed25519", "AAAAC3NzaC1lZDI1NTE5AAAAIGZha2U=");
    fake.hostKeysAfterCalls = 1;
    assertThat(compute.guestAttributes("us-central1-a", "headroom-a", "hostkeys/")).isEmpty();
    assertThat(compute.guestAttributes("us-central1-a", "headroom-a", "hostkeys/")).contains(List.of(
        new Compute.GuestAttribute("hostkeys", "ssh-ed25519", "AAAAC3NzaC1lZDI1NTE5AAAAIGZha2U=")));
    assertThat(fake.guestAttributeQueries).containsOnly("queryPath=hostkeys/");
  }

  @Test
  void aMissingVmIsNotFound() {
    assertThatThrownBy(() -> compute.guestAttributes("us-central1-a", "headroom-gone", "hostkeys/"))
        .isInstanceOfSatisfying(ComputeException.class,
            e -> assertThat(e.kind()).isEqualTo(ComputeException.Kind.NOT_FOUND));
  }
}
