package dev.headroom.config;

import java.util.List;

/**
 * Where and what Spot VMs Headroom creates. {@code project} empty means GCP is not configured.
 *
 * @param computeEndpoint override of the Compute Engine REST endpoint ({@code http(s)://host:port}, no trailing
 *     slash); empty for Google's default
 * @param billingEndpoint override of the Cloud Billing endpoint, same form
 * @param sshPort the VMs' SSH port the tunnel to their backend connects to (22; tests point it at a loopback server)
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
    String billingEndpoint,
    int sshPort) {

  /** Settings with the standard SSH port 22. */
  public GcpSettings(String project, String region, List<String> zones, String machineType, String imageProject,
      String imageFamily, int diskSizeGb, String diskType, int maxRunDurationMinutes, int backendPort, String network,
      String computeEndpoint, String billingEndpoint) {
    this(project, region, zones, machineType, imageProject, imageFamily, diskSizeGb, diskType, maxRunDurationMinutes,
        backendPort, network, computeEndpoint, billingEndpoint, 22);
  }

  /** True when a project is set: cloud features are usable (credentials are checked separately). */
  public boolean configured() {
    return project != null && !project.isBlank();
  }
}
