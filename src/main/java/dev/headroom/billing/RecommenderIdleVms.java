package dev.headroom.billing;

import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.PermissionDeniedException;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.recommender.v1.Operation;
import com.google.cloud.recommender.v1.OperationGroup;
import com.google.cloud.recommender.v1.Recommendation;
import com.google.cloud.recommender.v1.RecommendationStateInfo;
import com.google.cloud.recommender.v1.RecommenderClient;
import com.google.cloud.recommender.v1.RecommenderName;
import com.google.cloud.recommender.v1.RecommenderSettings;
import dev.headroom.config.GcpSettings;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * {@link IdleVms} on the real Recommender client ({@code google-cloud-recommender}) over REST: the active
 * recommendations of {@code google.compute.instance.IdleResourceRecommender} per zone, with the $/h their cost
 * projection saves. Endpoint from {@code gcp.recommenderEndpoint} (no credentials sent), else Google's with
 * Application Default Credentials.
 */
public final class RecommenderIdleVms implements IdleVms {
  static final String RECOMMENDER = "google.compute.instance.IdleResourceRecommender";

  private final RecommenderClient client;
  private final Predicate<String> headroomVm;

  private RecommenderIdleVms(RecommenderClient client, Predicate<String> headroomVm) {
    this.client = client;
    this.headroomVm = headroomVm;
  }

  /** Connects; {@code headroomVm} tells Headroom's own VMs by name. */
  public static RecommenderIdleVms connect(GcpSettings gcp, Duration timeout, Predicate<String> headroomVm) {
    try {
      RecommenderSettings.Builder b = RecommenderSettings.newHttpJsonBuilder();
      if (CloudBudgets.set(gcp.recommenderEndpoint())) {
        b.setEndpoint(gcp.recommenderEndpoint()).setCredentialsProvider(NoCredentialsProvider.create());
      } else {
        b.setCredentialsProvider(FixedCredentialsProvider.create(GoogleCredentials.getApplicationDefault()));
      }
      CloudBudgets.bounded(b.listRecommendationsSettings(), timeout);
      return new RecommenderIdleVms(RecommenderClient.create(b.build()), headroomVm);
    } catch (IOException e) {
      throw new BillingException(BillingException.Kind.NOT_CONNECTED, "Idle-VM recommendations unavailable: no"
          + " Google Application Default Credentials (run 'gcloud auth application-default login').", e);
    }
  }

  @Override
  public List<IdleVm> list(String project, String zone) {
    List<IdleVm> out = new ArrayList<>();
    try {
      for (Recommendation r : client.listRecommendations(RecommenderName.of(project, zone, RECOMMENDER))
          .iterateAll()) {
        if (r.getStateInfo().getState() != RecommendationStateInfo.State.ACTIVE
            && r.getStateInfo().getState() != RecommendationStateInfo.State.STATE_UNSPECIFIED) {
          continue;
        }
        String resource = "";
        for (OperationGroup g : r.getContent().getOperationGroupsList()) {
          for (Operation op : g.getOperationsList()) {
            if (op.getResourceType().equals("compute.googleapis.com/Instance") && !op.getResource().isBlank()) {
              resource = op.getResource();
            }
          }
        }
        if (resource.isBlank()) {
          continue;
        }
        String name = resource.substring(resource.lastIndexOf('/') + 1);
        var cost = r.getPrimaryImpact().getCostProjection().getCost();
        BigDecimal total = BigDecimal.valueOf(cost.getUnits()).add(BigDecimal.valueOf(cost.getNanos(), 9)).abs();
        long seconds = r.getPrimaryImpact().getCostProjection().getDuration().getSeconds();
        BigDecimal perHour = seconds <= 0 ? BigDecimal.ZERO
            : total.multiply(BigDecimal.valueOf(3600)).divide(BigDecimal.valueOf(seconds), 6, RoundingMode.HALF_UP);
        out.add(new IdleVm(name, zone, perHour, cost.getCurrencyCode().isBlank() ? "USD" : cost.getCurrencyCode(),
            r.getDescription(), headroomVm.test(name), "https://console.cloud.google.com/compute/instancesDetail/zones/"
                + zone + "/instances/" + name + "?project=" + project));
      }
    } catch (PermissionDeniedException e) {
      throw new BillingException(BillingException.Kind.PERMISSION_DENIED, "Permission denied listing idle-VM "
          + "recommendations in " + zone + ": grant roles/recommender.computeViewer on project " + project + ".", e);
    } catch (ApiException e) {
      throw new BillingException(BillingException.Kind.UNREACHABLE, "Idle-VM recommendations in " + zone
          + " unavailable: " + e.getMessage(), e);
    }
    return out;
  }

  @Override
  public void close() {
    client.close();
  }
}
