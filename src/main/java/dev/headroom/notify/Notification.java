package dev.headroom.notify;

/**
 * One desktop notification.
 *
 * @param kind what it is about (the unit of settings and throttling)
 * @param title short headline
 * @param body one or two sentences, amounts to the cent
 * @param urgent shown as a warning (critical pressure, budget over, preemption)
 */
public record Notification(Kind kind, String title, String body, boolean urgent) {

  /** What a notification is about. */
  public enum Kind {
    PRESSURE_HIGH,
    PRESSURE_CRITICAL,
    AUTO_CREATED,
    AUTO_BLOCKED,
    VM_PREEMPTED,
    VM_REAPED,
    BUDGET
  }
}
