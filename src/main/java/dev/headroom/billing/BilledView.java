package dev.headroom.billing;

import java.time.Instant;
import java.util.List;

/**
 * What the 2 s cost tick asks the billing feature: the bill joined with the estimate of Headroom's own VMs. Must not
 * block: implementations read a snapshot refreshed elsewhere.
 *
 * <pre>{@code
 * cost.useBilling(billingService);               // CostEngine puts the result in every CostSnapshot
 * GcpBilled b = view.at(now, headroomVmEstimates);
 * }</pre>
 */
@FunctionalInterface
public interface BilledView {

  /** No billing export configured. */
  BilledView NOT_CONFIGURED = (now, vms) -> GcpBilled.unavailable(false,
      List.of(new GcpBilled.Problem("export", BillingService.NOT_CONFIGURED)), List.of(), List.of());

  GcpBilled at(Instant now, List<Nowcast.VmEstimate> headroomVms);
}
