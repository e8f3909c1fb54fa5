package dev.headroom.config;

import java.util.List;

/**
 * Where and what Spot VMs Headroom creates. {@code project} empty means GCP is not configured.
 *
 * @param computeEndpoint override of the Compute Engine REST endpoint ({@code http(s)://host:port}, no trailing
 *     slash); empty for Google's default
 * @param billingEndpoint override of the Cloud Billing endpoint, same form
 * @param sshPort the VMs' SSH port the tunnel to their backend connects to (22; tests point it at a loopback server)
 * @param billingExportTable the Cloud Billing export table, {@code PROJECT.DATASET.TABLE}; empty: not configured
 * @param billingProjects only these project ids from the export; empty: every project in it
 * @param billingRefreshMinutes the export is queried at most this often
 * @param bigqueryEndpoint override of the BigQuery REST endpoint, same form as {@code computeEndpoint}
 * @param budgetsEndpoint override of the Cloud Billing Budget API endpoint, same form
 * @param recommenderEndpoint override of the Recommender API endpoint, same form
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
    int sshPort,
    String billingExportTable,
    List<String> billingProjects,
    int billingRefreshMinutes,
    String bigqueryEndpoint,
    String budgetsEndpoint,
    String recommenderEndpoint) {

  /** Settings with the standard SSH port 22 and without the billing export (refresh every 15 minutes). */
  public GcpSettings(String project, String region, List<String> zones, String machineType, String imageProject,
      String imageFamily, int diskSizeGb, String diskType, int maxRunDurationMinutes, int backendPort, String network,
      String computeEndpoint, String billingEndpoint) {
    this(project, region, zones, machineType, imageProject, imageFamily, diskSizeGb, diskType, maxRunDurationMinutes,
        backendPort, network, computeEndpoint, billingEndpoint, 22);
  }

  /** Without the billing-export settings (not configured, refresh every 15 minutes). */
  public GcpSettings(String project, String region, List<String> zones, String machineType, String imageProject,
      String imageFamily, int diskSizeGb, String diskType, int maxRunDurationMinutes, int backendPort, String network,
      String computeEndpoint, String billingEndpoint, int sshPort) {
    this(project, region, zones, machineType, imageProject, imageFamily, diskSizeGb, diskType, maxRunDurationMinutes,
        backendPort, network, computeEndpoint, billingEndpoint, sshPort, "", List.of(), 15, "", "", "");
  }

  /** True when a project is set: cloud features are usable (credentials are checked separately). */
  public boolean configured() {
    return project != null && !project.isBlank();
  }
}
