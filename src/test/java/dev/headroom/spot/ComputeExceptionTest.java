package dev.headroom.spot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How Compute Engine's error codes and texts are classified, and how its timestamps are read. */
class ComputeExceptionTest {

  @Test
  void zoneResourcePoolExhaustedIsAStockout() {
    assertThat(ComputeException.classify(0, "ZONE_RESOURCE_POOL_EXHAUSTED", "")).isEqualTo(ComputeException.Kind.STOCKOUT);
  }

  @Test
  void zoneResourcePoolExhaustedWithDetailsIsAStockout() {
    assertThat(ComputeException.classify(0, "ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS", ""))
        .isEqualTo(ComputeException.Kind.STOCKOUT);
  }

  @Test
  void notEnoughResourcesTextIsAStockout() {
    assertThat(ComputeException.classify(503, "", "The zone 'projects/p/zones/us-central1-a' does not have enough"
        + " resources available to fulfill the request.")).isEqualTo(ComputeException.Kind.STOCKOUT);
  }

  @Test
  void quotaExceededCodeIsQuota() {
    assertThat(ComputeException.classify(0, "QUOTA_EXCEEDED", "")).isEqualTo(ComputeException.Kind.QUOTA);
  }

  @Test
  void forbiddenWithQuotaExceededReasonIsQuotaNotPermission() {
    assertThat(ComputeException.classify(403, "quotaExceeded", "Quota 'CPUS' exceeded.  Limit: 24.0 in region"
        + " us-central1.")).isEqualTo(ComputeException.Kind.QUOTA);
  }

  @Test
  void forbiddenWithoutQuotaIsPermission() {
    assertThat(ComputeException.classify(403, "forbidden", "Required 'compute.instances.create' permission"))
        .isEqualTo(ComputeException.Kind.PERMISSION);
  }

  @Test
  void notFoundIsNotFound() {
    assertThat(ComputeException.classify(404, "notFound", "The resource was not found"))
        .isEqualTo(ComputeException.Kind.NOT_FOUND);
  }

  @Test
  void anInvalidFieldIsOther() {
    assertThat(ComputeException.classify(400, "INVALID_FIELD_VALUE", "Invalid value for field"))
        .isEqualTo(ComputeException.Kind.OTHER);
  }

  @Test
  void serviceUnavailableWithoutAZoneCodeIsTransient() {
    assertThat(ComputeException.classify(503, "backendError", "The service is currently unavailable."))
        .isEqualTo(ComputeException.Kind.TRANSIENT);
  }

  @Test
  void aStockoutOperationWithHttpStatus503IsAStockoutNotTransient() {
    assertThat(ComputeException.classify(503, "ZONE_RESOURCE_POOL_EXHAUSTED", "SERVICE UNAVAILABLE"))
        .isEqualTo(ComputeException.Kind.STOCKOUT);
  }

  @Test
  void aQuotaOperationWithHttpStatus403IsQuotaNotPermission() {
    assertThat(ComputeException.classify(403, "QUOTA_EXCEEDED", "FORBIDDEN")).isEqualTo(ComputeException.Kind.QUOTA);
  }

  @Test
  void computeEnginesQuotaMessageNamesQuotaLimitAndRegion() {
    assertThat(ComputeException.Quota.parse("Quota 'CPUS' exceeded.  Limit: 24.0 in region us-central1."))
        .contains(new ComputeException.Quota("CPUS", "24", "us-central1", ""));
  }

  @Test
  void computeTimestampsWithAnOffsetAreRead() {
    assertThat(GceCompute.timestamp("2026-11-23T01:30:00.123-08:00"))
        .contains(Instant.parse("2026-11-23T09:30:00.123Z"));
  }

  @Test
  void emptyOrMalformedTimestampsAreEmpty() {
    assertThat(GceCompute.timestamp("")).isEmpty();
    assertThat(GceCompute.timestamp("yesterday")).isEmpty();
  }
}
