package dev.headroom.cost;

import java.math.BigDecimal;
import java.util.Optional;

/** A validated usage event and its cost (empty when the model is not in the price book: "unpriced"). */
public record PricedUsage(LlmUsage usage, Optional<BigDecimal> cost) {}
