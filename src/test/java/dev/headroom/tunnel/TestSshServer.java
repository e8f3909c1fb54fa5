package dev.headroom.tunnel;

import java.io.IOException;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * same port with the same host key.
 */
final class TestSshServer implements AutoCloseable {
  final KeyPair hostKey;
  final List<PublicKey> authorized = new CopyOnWriteArrayList<>();
  final List<String> logins = new CopyOnWriteArrayList<>();
  final List<SshdSocketAddress> forwards = new CopyOnWriteArrayList<>();
  private int port;
  private SshServer server;

  TestSshServer() throws GeneralSecurityException {
    this.hostKey = VmKeys.newEd25519();
  }

  /** Starts (again) on 127.0.0.1; the first start picks a free port, later ones reuse it. */
  synchronized TestSshServer start() throws IOException {
    SshServer s = SshServer.setUpDefaultServer();
    s.setHost(InetAddress.getLoopbackAddress().getHostAddress());
    s.setPort(port);
    s.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    s.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
    s.setPublickeyAuthenticator((user, key, session) -> {
      boolean ok = user.equals(VmKeys.USER) && authorized.stream().anyMatch(k -> KeyUtils.compareKeys(k, key));
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

  int port() {
    return port;
  }

  /** Authorizes the key of an {@code ssh-keys} metadata line ({@code headroom:ssh-ed25519 AAAA... headroom}). */
  void authorize(String sshKeysLine) throws Exception {
    String entry = sshKeysLine.substring(sshKeysLine.indexOf(':') + 1);
    authorized.add(PublicKeyEntry.parsePublicKeyEntry(entry).resolvePublicKey(null, null,
        PublicKeyEntryResolver.FAILING));
  }

  /** The host key's type and base64 blob, as the guest environment publishes them. */
  String[] hostKeyAttribute() {
    String[] words = PublicKeyEntry.toString(hostKey.getPublic()).split(" ");
    return new String[] {words[0], words[1]};
  }

  /** Stops listening and drops every session (a VM that went away or a network that broke). */
  synchronized void stop() throws IOException {
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
