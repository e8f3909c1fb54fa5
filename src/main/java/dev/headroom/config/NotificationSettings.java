package dev.headroom.config;

/**
 * Desktop notifications. Each kind fires once per episode (a pressure spell, a blocked streak, a VM, a budget level
 * in its period) and at most once per {@code minIntervalSeconds} for the same kind.
 *
 * @param enabled all notifications on or off
 * @param pressure memory pressure turning HIGH or CRITICAL
 * @param autoCreate auto-create created a VM, or was blocked (with the reason)
 * @param vmEvents a VM was preempted or reaped
 * @param budget a daily or monthly budget level was crossed
 * @param minIntervalSeconds shortest gap between two notifications of the same kind
 */
public record NotificationSettings(
    boolean enabled,
    boolean pressure,
    boolean autoCreate,
    boolean vmEvents,
    boolean budget,
    int minIntervalSeconds) {}
