package dev.headroom.billing;

import java.math.BigDecimal;

/**
 * An idle VM the Recommender points out ({@code google.compute.instance.IdleResourceRecommender}).
 *
 * @param perHour what stopping it saves an hour, from the recommendation's cost projection (positive)
 * @param headroom one of Headroom's own VMs; the others are only linked to the console, never deleted
 * @param consoleUrl the VM's page in the Cloud console
 */
public record IdleVm(String name, String zone, BigDecimal perHour, String currency, String description,
    boolean headroom, String consoleUrl) {}
