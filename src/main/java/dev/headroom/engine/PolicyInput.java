package dev.headroom.engine;

import dev.headroom.memory.MemoryState;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything {@link AutoCreatePolicy} looks at, gathered by the engine at one instant.
 *
 * @param recent memory readings, oldest first, covering at least the sustained window
 * @param activeOrPendingVms managed VMs requested, provisioning or running
 * @param lastCreateAt when Headroom last asked for a VM (auto or manual), if ever
 * @param hourlyPrice $/h of the configured shape; empty when no price is known
 * @param dailyBudgetLeft today's budget minus today's spend; empty when spend cannot be read
 */
public record PolicyInput(
    Instant now,
    List<MemoryState> recent,
    int activeOrPendingVms,
    Optional<Instant> lastCreateAt,
    boolean gcpConfigured,
    Optional<BigDecimal> hourlyPrice,
    Optional<BigDecimal> dailyBudgetLeft) {}
