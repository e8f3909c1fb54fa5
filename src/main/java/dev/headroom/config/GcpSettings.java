package dev.headroom.config;

import java.util.List;

/**
 * Where and what Spot VMs Headroom creates. {@code project} empty means GCP is not configured.
 *
 * @param computeEndpoint override of the Compute Engine REST endpoint ({@code http(s)://host:port}, no trailing
 *     slash); empty for Google's default
 * @param billingEndpoint override of the Cloud Billing endpoint, same form
 */
public record GcpSettings(
    String project,
    String region,
    List<String> zones,
    String machineType,
    String imageProject,
    String imageFamily,
    int diskSizeGb,
    String diskType,
    int maxRunDurationMinutes,
    int backendPort,
    String network,
    String computeEndpoint,
    String billingEndpoint) {

  /** True when a project is set: cloud features are usable (credentials are checked separately). */
  public boolean configured() {
    return project != null && !project.isBlank();
  }
}
