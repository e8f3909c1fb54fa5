package dev.headroom.billing;

import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.PermissionDeniedException;
import com.google.api.gax.rpc.UnaryCallSettings;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.billing.budgets.v1.Budget;
import com.google.cloud.billing.budgets.v1.BudgetServiceClient;
import com.google.cloud.billing.budgets.v1.BudgetServiceSettings;
import com.google.cloud.billing.budgets.v1.ThresholdRule;
import com.google.cloud.billing.v1.CloudBillingClient;
import com.google.cloud.billing.v1.CloudBillingSettings;
import com.google.cloud.billing.v1.ProjectBillingInfo;
import dev.headroom.config.GcpSettings;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link Budgets} on the real Cloud Billing ({@code google-cloud-billing}) and Budget API
 * ({@code google-cloud-billingbudgets}) clients over REST. Endpoints from {@code gcp.billingEndpoint} and
 * {@code gcp.budgetsEndpoint} (no credentials sent), else Google's with Application Default Credentials. Each call
 * gives up after the timeout it was connected with.
 */
public final class CloudBudgets implements Budgets {
  private final CloudBillingClient billing;
  private final BudgetServiceClient budgets;

  private CloudBudgets(CloudBillingClient billing, BudgetServiceClient budgets) {
    this.billing = billing;
    this.budgets = budgets;
  }

  /** Connects both clients; no network call is made here. */
  public static CloudBudgets connect(GcpSettings gcp, Duration timeout) {
    try {
      CloudBillingSettings.Builder b = CloudBillingSettings.newHttpJsonBuilder();
      BudgetServiceSettings.Builder s = BudgetServiceSettings.newHttpJsonBuilder();
      if (set(gcp.billingEndpoint())) {
        b.setEndpoint(gcp.billingEndpoint()).setCredentialsProvider(NoCredentialsProvider.create());
      } else {
        b.setCredentialsProvider(FixedCredentialsProvider.create(GoogleCredentials.getApplicationDefault()));
      }
      if (set(gcp.budgetsEndpoint())) {
        s.setEndpoint(gcp.budgetsEndpoint()).setCredentialsProvider(NoCredentialsProvider.create());
      } else {
        s.setCredentialsProvider(FixedCredentialsProvider.create(GoogleCredentials.getApplicationDefault()));
      }
      bounded(b.getProjectBillingInfoSettings(), timeout);
      bounded(s.listBudgetsSettings(), timeout);
      return new CloudBudgets(CloudBillingClient.create(b.build()), BudgetServiceClient.create(s.build()));
    } catch (IOException e) {
      throw new BillingException(BillingException.Kind.NOT_CONNECTED, "Budgets unavailable: no Google Application"
          + " Default Credentials (run 'gcloud auth application-default login').", e);
    }
  }

  static boolean set(String endpoint) {
    return endpoint != null && !endpoint.isBlank();
  }

  static void bounded(UnaryCallSettings.Builder<?, ?> call, Duration timeout) {
    call.setRetrySettings(RetrySettings.newBuilder().setMaxAttempts(1).setInitialRpcTimeoutDuration(timeout)
        .setRpcTimeoutMultiplier(1).setMaxRpcTimeoutDuration(timeout).setTotalTimeoutDuration(timeout).build());
  }

  @Override
  public String accountOf(String project) {
    ProjectBillingInfo info;
    try {
      info = billing.getProjectBillingInfo("projects/" + project);
    } catch (PermissionDeniedException e) {
      throw new BillingException(BillingException.Kind.PERMISSION_DENIED, "Permission denied reading the billing"
          + " account of project " + project + ": grant roles/billing.viewer on the billing account (or"
          + " roles/browser on the project).", e);
    } catch (ApiException e) {
      throw new BillingException(BillingException.Kind.UNREACHABLE, "Billing info of project " + project
          + " unavailable: " + e.getMessage(), e);
    }
    if (!info.getBillingEnabled() || info.getBillingAccountName().isBlank()) {
      throw new BillingException(BillingException.Kind.NOT_CONFIGURED, "Project " + project
          + " has no billing account linked, so it has no budgets.");
    }
    return info.getBillingAccountName();
  }

  @Override
  public List<AccountBudget> list(String account) {
    List<AccountBudget> out = new ArrayList<>();
    try {
      for (Budget b : budgets.listBudgets(account).iterateAll()) {
        Optional<BigDecimal> amount = Optional.empty();
        String currency = "USD";
        if (b.getAmount().hasSpecifiedAmount()) {
          var m = b.getAmount().getSpecifiedAmount();
          amount = Optional.of(BigDecimal.valueOf(m.getUnits()).add(BigDecimal.valueOf(m.getNanos(), 9)));
          currency = m.getCurrencyCode().isBlank() ? currency : m.getCurrencyCode();
        }
        List<BigDecimal> thresholds = new ArrayList<>();
        for (ThresholdRule r : b.getThresholdRulesList()) {
          thresholds.add(BigDecimal.valueOf(r.getThresholdPercent()));
        }
        List<String> numbers = b.getBudgetFilter().getProjectsList().stream()
            .map(p -> p.substring(p.lastIndexOf('/') + 1)).toList();
        out.add(new AccountBudget(b.getName(), b.getDisplayName(), amount, currency, thresholds, numbers));
      }
    } catch (PermissionDeniedException e) {
      throw new BillingException(BillingException.Kind.PERMISSION_DENIED, "Permission denied listing the budgets of "
          + account + ": grant roles/billing.viewer on the billing account.", e);
    } catch (ApiException e) {
      throw new BillingException(BillingException.Kind.UNREACHABLE, "Budgets of " + account + " unavailable: "
          + e.getMessage(), e);
    }
    return out;
  }

  @Override
  public void close() {
    billing.close();
    budgets.close();
  }
}
