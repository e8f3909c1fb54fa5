/**
 * The real GCP bill (issue 13): the Cloud Billing export read from BigQuery, the billing account's budgets, cost
 * spikes, idle-VM recommendations, and the nowcast that joins billed actuals to the live estimate of Headroom's own
 * VMs. Google client classes appear only in the adapters ({@code BigQueryBillingExport}, {@code CloudBudgets},
 * {@code RecommenderIdleVms}); everything else is plain Java tested on fixtures.
 */
package dev.headroom.billing;
