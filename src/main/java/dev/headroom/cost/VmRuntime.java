package dev.headroom.cost;

import java.time.Instant;
import java.util.Optional;

/** A VM's running time, as the cost meter needs it (the cost feature does not depend on the spot package). */
public record VmRuntime(String name, String machineType, Instant start, Optional<Instant> end) {}
