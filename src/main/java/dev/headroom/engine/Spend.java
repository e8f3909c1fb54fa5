package dev.headroom.engine;

import java.math.BigDecimal;
import java.util.Optional;

/** What the engine needs of the cost feature: the price of the next VM and today's budget left. */
public interface Spend {
  /** $/h of the configured VM shape; empty when unknown. */
  Optional<BigDecimal> hourlyPrice();

  /** Today's budget minus today's spend; empty when spend cannot be read. */
  Optional<BigDecimal> dailyBudgetLeft();
}
