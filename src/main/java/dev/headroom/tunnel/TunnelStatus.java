package dev.headroom.tunnel;

import java.time.Instant;
import java.util.Optional;

/**
 * Where the private path to one RUNNING VM stands, for the Routes view and the CLI.
 *
 * @param localPort the tunnel's loopback port while {@link State#UP}
 * @param hostKeys the pinned host keys ({@code ssh-ed25519 SHA256:...}), empty until read
 * @param detail the latest reason (what is awaited, why it is down or refused)
 */
public record TunnelStatus(String vmName, State state, Optional<Integer> localPort, String hostKeys, String detail,
    Instant since) {

  /** The life of a tunnel. */
  public enum State {
    /** The guest environment has not published the VM's SSH host keys yet. */
    WAITING_FOR_HOST_KEYS,
    /** Host keys pinned; connecting and logging in. */
    CONNECTING,
    /** Cloud traffic flows through the tunnel. */
    UP,
    /** Lost or not yet reachable; reconnecting with backoff. Routes fall back as for a lost VM. */
    DOWN,
    /** The VM presented a host key it did not publish, or Headroom has no login key for it: no connection. */
    REFUSED
  }

  /** {@code 127.0.0.1:port} while up, else the state name. */
  public String summary() {
    return state == State.UP && localPort.isPresent() ? "up 127.0.0.1:" + localPort.get()
        : state.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
  }
}
