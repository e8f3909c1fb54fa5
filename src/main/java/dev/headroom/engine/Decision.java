package dev.headroom.engine;

import java.time.Instant;

/**
 * One verdict of the auto-create policy, with its reason.
 *
 * @param reason a stable code (e.g. {@code COOLDOWN}) for logs, tests and filtering
 * @param message the sentence shown in the decision log
 */
public record Decision(Instant time, Action action, Trigger trigger, String reason, String message) {

  /** What the policy decided. */
  public enum Action {
    /** Ask for a VM now. */
    CREATE,
    /** A trigger fired but a guard stopped it. */
    BLOCKED,
    /** No trigger: nothing to do. */
    NONE,
    /** The reaper deletes a VM (idle or at max lifetime). */
    TERMINATE
  }

  /** Why a create was wanted. */
  public enum Trigger {
    SUSTAINED,
    PROJECTION,
    MANUAL,
    NONE
  }
}
