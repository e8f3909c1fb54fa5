package dev.headroom.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.spot.Compute.GuestAttribute;
import java.security.KeyPair;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.Test;

class HostKeyPinningTest {
  private final KeyPair ed = VmKeys.newEd25519();
  private final KeyPair other = VmKeys.newEd25519();

  private static String blob(KeyPair kp) {
    return PublicKeyEntry.toString(kp.getPublic()).split(" ")[1];
  }

  @Test
  void acceptsOnlyThePublishedKey() throws Exception {
    HostKeyPinning pins = HostKeyPinning.fromGuestAttributes(
        List.of(new GuestAttribute("hostkeys", "ssh-ed25519", blob(ed))));
    assertThat(pins.verifyServerKey(null, null, ed.getPublic())).isTrue();
    assertThat(pins.refused()).isEmpty();
    assertThat(pins.verifyServerKey(null, null, other.getPublic())).isFalse();
    assertThat(pins.refused()).contains("ssh-ed25519 " + KeyUtils.getFingerPrint(other.getPublic()));
  }

  @Test
  void readsAValueWithATrailingCommentAsGcloudDoes() {
    HostKeyPinning pins = HostKeyPinning.fromGuestAttributes(
        List.of(new GuestAttribute("hostkeys", "ssh-ed25519", blob(ed) + " root@vm\n")));
    assertThat(pins.isEmpty()).isFalse();
    assertThat(pins.describe()).isEqualTo("ssh-ed25519 " + KeyUtils.getFingerPrint(ed.getPublic()));
  }

  @Test
  void skipsEntriesOfOtherNamespacesMalformedBlobsAndBlobsOfAnotherType() {
    HostKeyPinning pins = HostKeyPinning.fromGuestAttributes(List.of(
        new GuestAttribute("other", "ssh-ed25519", blob(ed)),
        new GuestAttribute("hostkeys", "ssh-ed25519", "not-base64!"),
        new GuestAttribute("hostkeys", "ecdsa-sha2-nistp256", blob(ed)), // says ECDSA, holds Ed25519
        new GuestAttribute("hostkeys", "ssh-dss", blob(ed)),
        new GuestAttribute("hostkeys", "ssh-ed25519\u001b[31m", "")));
    assertThat(pins.isEmpty()).isTrue();
    assertThat(pins.verifyServerKey(null, null, ed.getPublic())).isFalse(); // nothing pinned: nothing accepted
    assertThat(pins.skipped()).hasSize(4).allMatch(s -> s.chars().allMatch(c -> c >= 0x20 && c < 0x7f));
  }

  @Test
  void pinsEveryPublishedKeyType() throws Exception {
    KeyPair ecdsa = KeyUtils.generateKeyPair("ecdsa-sha2-nistp256", 256);
    HostKeyPinning pins = HostKeyPinning.fromGuestAttributes(List.of(
        new GuestAttribute("hostkeys", "ecdsa-sha2-nistp256", blob(ecdsa)),
        new GuestAttribute("hostkeys", "ssh-ed25519", blob(ed))));
    assertThat(pins.verifyServerKey(null, null, ecdsa.getPublic())).isTrue();
    assertThat(pins.verifyServerKey(null, null, ed.getPublic())).isTrue();
    assertThat(pins.describe()).startsWith("ecdsa-sha2-nistp256 SHA256:").contains(", ssh-ed25519 SHA256:");
  }
}
