package dev.headroom.cost;

import java.math.BigDecimal;

/** Spot $ per vCPU-hour and per GiB-hour of one machine series in one region. */
public record SeriesRates(BigDecimal core, BigDecimal ram) {}
