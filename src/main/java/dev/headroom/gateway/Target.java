package dev.headroom.gateway;

import java.util.Locale;

/** Where a route sends a request now: the local backend, the cloud VM, or nowhere (CLOUD_ONLY without a VM). */
public enum Target {
  LOCAL,
  CLOUD,
  NONE;

  /** Lower-case name for tables and JSON ("local", "cloud", "none"). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
