package dev.headroom.tunnel;

import dev.headroom.spot.Compute;
import java.net.SocketAddress;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * The VM's SSH host keys as its guest environment published them (guest attributes under {@code hostkeys/}, read
 * through the Compute API, which only the project's principals can write to), and the {@link ServerKeyVerifier} that
 * accepts those keys and nothing else. A server presenting any other key is refused and the key it presented is
 * remembered for the timeline: there is no trust on first use and no silent accept.
 *
 * <pre>{@code
 * HostKeyPinning pins = HostKeyPinning.fromGuestAttributes(compute.guestAttributes(zone, vm, "hostkeys/").orElseThrow());
 * client.setServerKeyVerifier(pins);
 * pins.refused().ifPresent(key -> timeline.note("host key mismatch: " + key));
 * }</pre>
 */
public final class HostKeyPinning implements ServerKeyVerifier {
  /** The guest attribute path the guest environment publishes host keys under. */
  public static final String QUERY_PATH = "hostkeys/";
  static final String NAMESPACE = "hostkeys";
  // What the guest agent publishes and MINA can verify (gcloud accepts the same set).
  private static final Set<String> SUPPORTED = Set.of("ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
      "ecdsa-sha2-nistp521", "ssh-rsa");

  private final List<PublicKey> pinned;
  private final List<String> skipped;
  private final AtomicReference<String> refused = new AtomicReference<>();

  private HostKeyPinning(List<PublicKey> pinned, List<String> skipped) {
    this.pinned = List.copyOf(pinned);
    this.skipped = List.copyOf(skipped);
  }

  /**
   * Pins the keys among {@code attributes} of namespace {@code hostkeys}: key = the key type, value = its base64 blob
   * (anything after the blob is ignored). An entry whose blob does not parse, or whose blob is of another type than
   * its key says, is skipped and listed in {@link #skipped()}.
   */
  public static HostKeyPinning fromGuestAttributes(List<Compute.GuestAttribute> attributes) {
    List<PublicKey> keys = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (Compute.GuestAttribute a : attributes) {
      if (!NAMESPACE.equals(a.namespace())) {
        continue;
      }
      String type = a.key() == null ? "" : a.key().trim();
      String[] words = a.value() == null ? new String[0] : a.value().trim().split("\\s+");
      if (!SUPPORTED.contains(type) || words.length == 0 || words[0].isEmpty()) {
        skipped.add(printable(type) + " (unsupported or empty)");
        continue;
      }
      try {
        PublicKey key = PublicKeyEntry.parsePublicKeyEntry(type + " " + words[0])
            .resolvePublicKey(null, null, PublicKeyEntryResolver.FAILING);
        if (key == null || !type.equals(KeyUtils.getKeyType(key))) {
          skipped.add(printable(type) + " (the key inside is of another type)");
          continue;
        }
        keys.add(key);
      } catch (Exception e) { // IllegalArgumentException, IOException, GeneralSecurityException: a malformed entry
        skipped.add(printable(type) + " (malformed: " + e.getClass().getSimpleName() + ")");
      }
    }
    return new HostKeyPinning(keys, skipped);
  }

  /** Pins exactly {@code keys} (tests, and callers that read host keys elsewhere). */
  public static HostKeyPinning of(List<PublicKey> keys) {
    return new HostKeyPinning(keys, List.of());
  }

  public boolean isEmpty() {
    return pinned.isEmpty();
  }

  /** What was published but could not be pinned, for the timeline. */
  public List<String> skipped() {
    return skipped;
  }

  /** The pinned keys as {@code type SHA256:fingerprint}, for the timeline. */
  public String describe() {
    return pinned.stream().map(HostKeyPinning::describe).collect(Collectors.joining(", "));
  }

  static String describe(PublicKey key) {
    return KeyUtils.getKeyType(key) + " " + KeyUtils.getFingerPrint(key);
  }

  /** The last key a server presented that is not pinned ({@code type SHA256:...}), if any. */
  public Optional<String> refused() {
    return Optional.ofNullable(refused.get());
  }

  @Override
  public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
    for (PublicKey p : pinned) {
      if (KeyUtils.compareKeys(p, serverKey)) {
        return true;
      }
    }
    refused.set(describe(serverKey));
    return false;
  }

  // Guest attribute keys are written by the VM: never put them raw into a message.
  private static String printable(String s) {
    String cut = s.length() > 40 ? s.substring(0, 40) : s;
    return cut.replaceAll("[^A-Za-z0-9@._-]", "?");
  }
}
