package dev.headroom.billing;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * One budget of the billing account, from the Cloud Billing Budget API.
 *
 * @param amount the specified amount; empty when the budget follows last period's spend
 * @param thresholds alert thresholds as fractions (0.5 = 50 %), as the API gives them
 * @param projectNumbers the budget's project filter ({@code projects/NUMBER}, numbers only); empty: whole account
 */
public record AccountBudget(String name, String displayName, Optional<BigDecimal> amount, String currency,
    List<BigDecimal> thresholds, List<String> projectNumbers) {}
