package dev.headroom.tunnel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.forward.ExplicitPortForwardingTracker;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * One SSH connection to a VM carrying a local port forward: {@code 127.0.0.1:<ephemeral>} here to
 * {@code 127.0.0.1:<backendPort>} on the VM. The server must present a pinned host key ({@link HostKeyPinning}); the
 * only login method is the VM's own key ({@link VmKeys}); no ~/.ssh file is read. Each tunnel has its own client, so
 * a verifier can never be shared by two VMs. When the connection drops (the VM went away, the network broke) the
 * {@code onDrop} callback runs once; {@link #close()} does not call it.
 *
 * <pre>{@code
 * try (SshTunnel t = SshTunnel.open(vmIp, 22, keys.keyFor(vm), pins, 8080, Duration.ofSeconds(15), why -> reconnect())) {
 *   URI backend = URI.create("http://127.0.0.1:" + t.localAddress().getPort());
 * }
 * }</pre>
 */
final class SshTunnel implements AutoCloseable {
  /** Why a tunnel could not be opened: decides what the timeline says and whether retrying can help. */
  static final class TunnelException extends Exception {
    enum Kind { HOST_KEY_MISMATCH, AUTH_REFUSED, UNREACHABLE }

    final Kind kind;

    TunnelException(Kind kind, String message, Throwable cause) {
      super(message, cause);
      this.kind = kind;
    }
  }

  static final Duration HEARTBEAT = Duration.ofSeconds(10);

  private final SshClient client;
  private final ClientSession session;
  private final ExplicitPortForwardingTracker forward;
  private final AtomicBoolean closing = new AtomicBoolean();

  private SshTunnel(SshClient client, ClientSession session, ExplicitPortForwardingTracker forward) {
    this.client = client;
    this.session = session;
    this.forward = forward;
  }

  /**
   * Connects as {@link VmKeys#USER}, authenticates with {@code login}, and forwards a fresh loopback port to the
   * VM's {@code 127.0.0.1:remotePort}. Blocks for at most about {@code 3 x timeout}.
   */
  static SshTunnel open(String host, int sshPort, KeyPair login, HostKeyPinning pins, int remotePort,
      Duration timeout, java.util.function.Consumer<String> onDrop) throws TunnelException {
    SshClient client = SshClient.setUpDefaultClient();
    client.setServerKeyVerifier(pins);
    client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY); // never ~/.ssh/config
    client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER); // never ~/.ssh/id_*
    client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
    CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, HEARTBEAT);
    CoreModuleProperties.HEARTBEAT_REPLY_WAIT.set(client, HEARTBEAT);
    CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, 3); // a silent peer is dropped after ~40 s
    CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ZERO); // an idle tunnel stays; heartbeats find dead ones
    // Small request/response pairs: without TCP_NODELAY a write can wait on the peer's delayed ACK (tens of ms).
    CoreModuleProperties.TCP_NODELAY.set(client, true);
    CoreModuleProperties.SOCKET_KEEPALIVE.set(client, true);
    client.start();
    ClientSession session = null;
    try {
      try {
        session = client.connect(VmKeys.USER, host, sshPort).verify(timeout).getSession();
      } catch (IOException e) {
        refusedHostKey(pins, e);
        throw new TunnelException(TunnelException.Kind.UNREACHABLE, "cannot connect to " + host + ":" + sshPort
            + " (" + reason(e) + ")", e);
      }
      session.addPublicKeyIdentity(login);
      try {
        session.auth().verify(timeout.multipliedBy(2));
      } catch (IOException e) {
        refusedHostKey(pins, e);
        if (!session.isOpen() || !session.isAuthenticated() && reason(e).contains("closed")) {
          throw new TunnelException(TunnelException.Kind.UNREACHABLE, "the SSH connection to " + host + ":" + sshPort
              + " closed during login (" + reason(e) + ")", e);
        }
        throw new TunnelException(TunnelException.Kind.AUTH_REFUSED, "the VM refused login as " + VmKeys.USER
            + " with its key (" + reason(e) + ")", e);
      }
      ExplicitPortForwardingTracker forward;
      try {
        forward = session.createLocalPortForwardingTracker(new SshdSocketAddress("127.0.0.1", 0),
            new SshdSocketAddress("127.0.0.1", remotePort));
      } catch (IOException e) {
        throw new TunnelException(TunnelException.Kind.UNREACHABLE, "cannot open the local port forward ("
            + reason(e) + ")", e);
      }
      SshTunnel tunnel = new SshTunnel(client, session, forward);
      session.addSessionListener(new SessionListener() {
        @Override
        public void sessionClosed(Session s) {
          if (!tunnel.closing.get()) {
            onDrop.accept("the SSH connection closed");
          }
        }
      });
      if (!session.isOpen()) { // closed between login and the listener: nobody else will report it
        tunnel.close();
        throw new TunnelException(TunnelException.Kind.UNREACHABLE, "the SSH connection closed right after login",
            null);
      }
      return tunnel;
    } catch (TunnelException e) {
      if (session != null) {
        session.close(true);
      }
      client.stop();
      throw e;
    }
  }

  // The verifier refused the server's key: whatever the exception says, this is a host key mismatch.
  private static void refusedHostKey(HostKeyPinning pins, IOException e) throws TunnelException {
    if (pins.refused().isPresent()) {
      throw new TunnelException(TunnelException.Kind.HOST_KEY_MISMATCH, "the VM presented host key "
          + pins.refused().get() + ", which is not among the host keys it published (" + pins.describe() + ")", e);
    }
  }

  /** The loopback address the gateway sends cloud traffic to. */
  InetSocketAddress localAddress() {
    SshdSocketAddress a = forward.getBoundAddress();
    return new InetSocketAddress("127.0.0.1", a.getPort());
  }

  boolean isOpen() {
    return !closing.get() && session.isOpen() && forward.isOpen();
  }

  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    try {
      forward.close();
    } catch (IOException e) {
      // closing the session below releases the port too
    }
    session.close(true);
    client.stop();
  }

  private static String reason(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return msg.length() > 200 ? msg.substring(0, 200) : msg;
  }
}
