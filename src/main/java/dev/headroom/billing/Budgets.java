package dev.headroom.billing;

import java.util.List;

/**
 * The port to the billing account and its budgets. {@link CloudBudgets} asks Cloud Billing
 * ({@code projects.getBillingInfo}) and the Budget API ({@code budgets.list}).
 */
public interface Budgets extends AutoCloseable {

  /** The billing account ({@code billingAccounts/XXXXXX-XXXXXX-XXXXXX}) paying for {@code project}. */
  String accountOf(String project);

  /** Every budget of {@code account}. */
  List<AccountBudget> list(String account);

  @Override
  void close();
}
