package dev.headroom.tunnel;

import dev.headroom.core.AppException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ephemeral Ed25519 key pair per VM: its public half goes into the instance's {@code ssh-keys} metadata (user
 * {@value #USER}), its private half never leaves this machine. Kept in memory, and in {@code <dir>/<vm>.key}
 * (OpenSSH format, mode 0600, directory 0700) so another Headroom process on the same data directory (the
 * {@code vm create} command) hands the VM to the running app. {@link #forget} deletes both once the VM is deleted.
 * On a file system without POSIX permissions the keys stay in memory only. Private keys are never logged.
 *
 * <pre>{@code
 * VmKeys keys = VmKeys.inDirectory(dataDir.resolve("vm-keys"));
 * String line = keys.sshKeysMetadata("headroom-20261123-100000-ab12"); // headroom:ssh-ed25519 AAAA... headroom
 * KeyPair login = keys.existing("headroom-20261123-100000-ab12").orElseThrow();
 * keys.forget("headroom-20261123-100000-ab12");
 * }</pre>
 */
public final class VmKeys {
  private static final Logger LOG = LoggerFactory.getLogger(VmKeys.class);
  /** The login the VM's guest environment creates from the {@code ssh-keys} metadata. */
  public static final String USER = "headroom";
  // Compute Engine instance names: what we accept before using one as a file name.
  private static final Pattern VM_NAME = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");

  private final Optional<Path> dir;
  private final Map<String, KeyPair> keys = new ConcurrentHashMap<>();

  private VmKeys(Optional<Path> dir) {
    this.dir = dir;
  }

  /** Keys in memory only. */
  public static VmKeys inMemory() {
    return new VmKeys(Optional.empty());
  }

  /** Keys in memory and in {@code dir} (created 0700) when the file system has POSIX permissions. */
  public static VmKeys inDirectory(Path dir) {
    if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      LOG.info("No POSIX permissions on {}: VM SSH keys stay in memory only", dir);
      return inMemory();
    }
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new AppException("Cannot create the VM key directory " + dir + ": " + e.getMessage(), e);
    }
    return new VmKeys(Optional.of(dir));
  }

  /** The {@code ssh-keys} metadata value for the VM ({@code headroom:ssh-ed25519 AAAA... headroom}), creating its key. */
  public String sshKeysMetadata(String vmName) {
    return USER + ":" + PublicKeyEntry.toString(keyFor(vmName).getPublic()) + " " + USER;
  }

  /** The VM's key pair, created (and stored) on first use. */
  public KeyPair keyFor(String vmName) {
    checkName(vmName);
    return keys.computeIfAbsent(vmName, n -> load(n).orElseGet(() -> create(n)));
  }

  /** The VM's key pair if this or another Headroom process made one. */
  public Optional<KeyPair> existing(String vmName) {
    if (!VM_NAME.matcher(vmName).matches()) {
      return Optional.empty();
    }
    KeyPair kp = keys.get(vmName);
    if (kp != null) {
      return Optional.of(kp);
    }
    Optional<KeyPair> loaded = load(vmName);
    loaded.ifPresent(k -> keys.putIfAbsent(vmName, k));
    return loaded;
  }

  /** Forgets the VM's key pair: from memory and from disk. */
  public void forget(String vmName) {
    keys.remove(vmName);
    if (dir.isPresent() && VM_NAME.matcher(vmName).matches()) {
      try {
        Files.deleteIfExists(file(vmName));
      } catch (IOException e) {
        LOG.warn("Could not delete the SSH key file of {}: {}", vmName, e.getMessage());
      }
    }
  }

  /** Forgets every key pair except those of {@code vmNames} (keys of VMs deleted while Headroom was not running). */
  public void retainOnly(Set<String> vmNames) {
    keys.keySet().removeIf(n -> !vmNames.contains(n));
    if (dir.isEmpty()) {
      return;
    }
    try (var files = Files.list(dir.get())) {
      for (Iterator<Path> it = files.iterator(); it.hasNext(); ) {
        String f = it.next().getFileName().toString();
        if (f.endsWith(".key") && !vmNames.contains(f.substring(0, f.length() - 4))) {
          forget(f.substring(0, f.length() - 4));
        }
      }
    } catch (IOException e) {
      LOG.warn("Could not list the VM key directory {}: {}", dir.get(), e.getMessage());
    }
  }

  /** Where the VM's private key is kept on disk, if it is. */
  Optional<Path> fileOf(String vmName) {
    return dir.map(d -> d.resolve(vmName + ".key")).filter(Files::exists);
  }

  private Path file(String vmName) {
    return dir.orElseThrow().resolve(vmName + ".key");
  }

  private static void checkName(String vmName) {
    if (vmName == null || !VM_NAME.matcher(vmName).matches()) {
      throw new IllegalArgumentException("Not a Compute Engine instance name: " + vmName);
    }
  }

  /** A fresh Ed25519 key pair in the form MINA SSHD signs and verifies with. */
  static KeyPair newEd25519() {
    try {
      return KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    } catch (GeneralSecurityException e) {
      throw new AppException("Cannot generate an Ed25519 key pair: " + e.getMessage(), e);
    }
  }

  private KeyPair create(String vmName) {
    KeyPair kp = newEd25519();
    if (dir.isPresent()) {
      Path f = file(vmName);
      try {
        Files.deleteIfExists(f);
        // Created 0600 before any byte is written: the key is never readable by others, not even briefly.
        Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(f, StandardOpenOption.TRUNCATE_EXISTING)) {
          OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(kp, USER + "@" + vmName, null, out);
        }
      } catch (FileAlreadyExistsException e) {
        throw new AppException("The SSH key file of " + vmName + " appeared while it was being written: " + f, e);
      } catch (IOException | GeneralSecurityException e) {
        throw new AppException("Cannot store the SSH key of " + vmName + " in " + f + ": " + e.getMessage(), e);
      }
    }
    return kp;
  }

  private Optional<KeyPair> load(String vmName) {
    if (dir.isEmpty()) {
      return Optional.empty();
    }
    Path f = file(vmName);
    try (InputStream in = Files.newInputStream(f)) {
      Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(f.toString()), in, null);
      if (pairs != null) {
        for (KeyPair kp : pairs) {
          return Optional.of(kp);
        }
      }
      return Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the SSH key file of " + vmName, e);
    } catch (GeneralSecurityException e) {
      LOG.warn("The SSH key file of {} is unreadable ({}); a new key will not log in to that VM", vmName,
          e.getClass().getSimpleName());
      return Optional.empty();
    }
  }
}
