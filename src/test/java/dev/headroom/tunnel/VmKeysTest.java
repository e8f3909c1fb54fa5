package dev.headroom.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Set;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmKeysTest {
  @TempDir Path dir;

  @Test
  void eachVmGetsItsOwnKey() {
    VmKeys keys = VmKeys.inMemory();
    assertThat(keys.sshKeysMetadata("headroom-a")).isNotEqualTo(keys.sshKeysMetadata("headroom-b"));
    assertThat(keys.sshKeysMetadata("headroom-a")).isEqualTo(keys.sshKeysMetadata("headroom-a"));
  }

  @Test
  void anotherProcessOnTheSameDataDirectoryLogsInWithTheSameKey() throws Exception {
    KeyPair made = VmKeys.inDirectory(dir).keyFor("headroom-a"); // e.g. `headroom vm create`
    KeyPair loaded = VmKeys.inDirectory(dir).existing("headroom-a").orElseThrow(); // the running app
    assertThat(KeyUtils.compareKeys(made.getPublic(), loaded.getPublic())).isTrue();
    // The loaded private key signs what the public key in the VM's metadata verifies.
    java.security.Signature signer = java.security.Signature.getInstance("Ed25519", "BC");
    signer.initSign(loaded.getPrivate());
    signer.update(new byte[] {1, 2, 3});
    byte[] sig = signer.sign();
    java.security.Signature verifier = java.security.Signature.getInstance("Ed25519", "BC");
    verifier.initVerify(made.getPublic());
    verifier.update(new byte[] {1, 2, 3});
    assertThat(verifier.verify(sig)).isTrue();
  }

  @Test
  void forgettingDeletesTheKeyFile() {
    VmKeys keys = VmKeys.inDirectory(dir);
    keys.keyFor("headroom-a");
    assertThat(dir.resolve("headroom-a.key")).exists();
    keys.forget("headroom-a");
    assertThat(dir.resolve("headroom-a.key")).doesNotExist();
    assertThat(VmKeys.inDirectory(dir).existing("headroom-a")).isEmpty();
  }

  @Test
  void retainOnlyDropsKeysOfVmsThatNoLongerExist() throws Exception {
    VmKeys keys = VmKeys.inDirectory(dir);
    keys.keyFor("headroom-a");
    keys.keyFor("headroom-b");
    Files.writeString(dir.resolve("notes.txt"), "not a key");
    VmKeys.inDirectory(dir).retainOnly(Set.of("headroom-b"));
    assertThat(dir.resolve("headroom-a.key")).doesNotExist();
    assertThat(dir.resolve("headroom-b.key")).exists();
    assertThat(dir.resolve("notes.txt")).exists();
  }

  @Test
  void namesThatAreNotInstanceNamesNeverBecomeFilePaths() {
    VmKeys keys = VmKeys.inDirectory(dir);
    assertThatThrownBy(() -> keys.keyFor("../../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
    assertThat(keys.existing("../x")).isEmpty();
    keys.forget("../x");
  }
}
