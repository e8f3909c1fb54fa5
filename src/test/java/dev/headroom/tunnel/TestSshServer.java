package dev.headroom.tunnel;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.forward.AgentForwardingFilter;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.apache.sshd.server.forward.TcpForwardingFilter;
import org.apache.sshd.server.forward.X11ForwardingFilter;

/**
 * The VM's sshd for tests: Apache MINA SSHD's own server on 127.0.0.1 with an Ed25519 host key, public-key login for
 * user {@code headroom} only (with the keys the test authorizes, as the guest environment installs them from
 * {@code ssh-keys} metadata), and direct-tcpip forwarding to loopback addresses only, so a tunnel through it reaches
 * a loopback upstream and nothing else. {@link #stop()} drops every connection; {@link #start()} comes back on the
 * same port with the same host key. {@link #installKeysFrom} plays the guest environment: every {@code ssh-keys}
 * line it yields (read from the fake's insert bodies) may log in.
 */
public final class TestSshServer implements AutoCloseable {
  public final KeyPair hostKey;
  final List<PublicKey> authorized = new CopyOnWriteArrayList<>();
  public final List<String> logins = new CopyOnWriteArrayList<>();
  public final List<SshdSocketAddress> forwards = new CopyOnWriteArrayList<>();
  private final String host;
  private volatile Supplier<List<String>> sshKeysLines = List::of;
  private int port;
  private SshServer server;

  /** A server on 127.0.0.1. */
  public TestSshServer() throws GeneralSecurityException {
    this("127.0.0.1");
  }

  /** A server on {@code host}, a loopback address (127.0.0.2 stands for a VM's external IP, apart from 127.0.0.1). */
  public TestSshServer(String host) throws GeneralSecurityException {
    if (!host.startsWith("127.")) {
      throw new IllegalArgumentException("tests stay on 127.0.0.0/8");
    }
    this.host = host;
    this.hostKey = VmKeys.newEd25519();
  }

  /** Lets in every key of the {@code ssh-keys} lines {@code lines} yields at login time, as the guest agent would. */
  public TestSshServer installKeysFrom(Supplier<List<String>> lines) {
    this.sshKeysLines = lines;
    return this;
  }

  /** Starts (again); the first start picks a free port, later ones reuse it. */
  public synchronized TestSshServer start() throws IOException {
    SshServer s = SshServer.setUpDefaultServer();
    s.setHost(host);
    org.apache.sshd.core.CoreModuleProperties.TCP_NODELAY.set(s, true); // as OpenSSH's sshd does for interactive use
    s.setPort(port);
    s.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    s.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
    s.setPublickeyAuthenticator((user, key, session) -> {
      boolean ok = user.equals(VmKeys.USER) && (authorized.stream().anyMatch(k -> KeyUtils.compareKeys(k, key))
          || sshKeysLines.get().stream().map(TestSshServer::parse).anyMatch(k -> KeyUtils.compareKeys(k, key)));
      if (ok) {
        logins.add(user);
      }
      return ok;
    });
    s.setForwardingFilter(ForwardingFilter.asForwardingFilter(AgentForwardingFilter.of(false),
        X11ForwardingFilter.of(false), new TcpForwardingFilter() {
          @Override
          public boolean canListen(SshdSocketAddress address, Session session) {
            return false; // no remote forwards: the tunnel only needs direct-tcpip
          }

          @Override
          public boolean canConnect(Type type, SshdSocketAddress address, Session session) {
            boolean loopback = type == Type.Direct && Set.of("127.0.0.1", "localhost").contains(address.getHostName());
            if (loopback) {
              forwards.add(address);
            }
            return loopback;
          }
        }));
    s.start();
    port = s.getPort();
    server = s;
    return this;
  }

  public int port() {
    return port;
  }

  /** Authorizes the key of an {@code ssh-keys} metadata line ({@code headroom:ssh-ed25519 AAAA... headroom}). */
  void authorize(String sshKeysLine) {
    authorized.add(parse(sshKeysLine));
  }

  private static PublicKey parse(String sshKeysLine) {
    String entry = sshKeysLine.substring(sshKeysLine.indexOf(':') + 1);
    try {
      return PublicKeyEntry.parsePublicKeyEntry(entry).resolvePublicKey(null, null, PublicKeyEntryResolver.FAILING);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("not an ssh-keys line: " + sshKeysLine, e);
    }
  }

  /** The host key's type and base64 blob, as the guest environment publishes them. */
  public String[] hostKeyAttribute() {
    String[] words = PublicKeyEntry.toString(hostKey.getPublic()).split(" ");
    return new String[] {words[0], words[1]};
  }

  /** Stops listening and drops every session (a VM that went away or a network that broke). */
  public synchronized void stop() throws IOException {
    if (server != null) {
      server.stop(true);
      server = null;
    }
  }

  @Override
  public void close() throws IOException {
    stop();
  }
}
