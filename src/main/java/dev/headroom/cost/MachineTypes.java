package dev.headroom.cost;

import java.util.Optional;

/**
 * Where machine shapes come from: Compute Engine {@code machineTypes.get} when connected ({@link GceMachineTypes},
 * memoized), else the bundled table ({@link #BUNDLED}).
 *
 * <pre>{@code
 * MachineShape s = shapes.shape("n2-highmem-128").orElseThrow();   // 128 vCPUs, 864 GiB
 * }</pre>
 */
public interface MachineTypes {
  /** The bundled table of predefined shapes plus custom-shape parsing. */
  MachineTypes BUNDLED = MachineShape::of;

  /** The shape of {@code machineType}; empty when it is not a type GCP offers (or cannot be reached and is unknown). */
  Optional<MachineShape> shape(String machineType);
}
