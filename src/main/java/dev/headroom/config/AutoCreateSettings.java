package dev.headroom.config;

/**
 * The auto-create policy and the reaper.
 *
 * @param enabled whether memory pressure may create a VM on its own
 * @param maxConcurrent maximum active + pending VMs
 * @param cooldownMinutes minimum time between two creates
 * @param idleTimeoutMinutes a VM with no routed traffic while local pressure is normal is deleted after this
 * @param terminateOnQuit delete every managed VM when the app quits
 */
public record AutoCreateSettings(
    boolean enabled,
    int maxConcurrent,
    int cooldownMinutes,
    int idleTimeoutMinutes,
    boolean terminateOnQuit) {}
