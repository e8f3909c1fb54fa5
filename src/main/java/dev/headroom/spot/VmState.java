package dev.headroom.spot;

/**
 * Life of a managed Spot VM: REQUESTED -> PROVISIONING -> RUNNING -> (TERMINATING -> DELETED) | PREEMPTED | FAILED.
 */
public enum VmState {
  REQUESTED,
  PROVISIONING,
  RUNNING,
  TERMINATING,
  DELETED,
  PREEMPTED,
  FAILED;

  /** Requested, provisioning or running: counts against the concurrency limit and may cost money. */
  public boolean active() {
    return this == REQUESTED || this == PROVISIONING || this == RUNNING;
  }

  /** No further transition will happen. */
  public boolean ended() {
    return this == DELETED || this == PREEMPTED || this == FAILED;
  }
}
