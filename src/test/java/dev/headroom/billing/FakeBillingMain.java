package dev.headroom.billing;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the fake billing export and Billing/Budget/Recommender APIs until killed, with the fixture month moved to the
 * current hour, and prints the {@code HEADROOM_*} environment that points the app at them (for the README screenshot:
 * {@code src/bench/billing-screenshot.sh}).
 */
public final class FakeBillingMain {
  private FakeBillingMain() {}

  public static void main(String[] args) throws Exception {
    Duration shift = Duration.between(BillingFixture.NOW.truncatedTo(ChronoUnit.HOURS),
        Instant.now().truncatedTo(ChronoUnit.HOURS));
    try (BillingFakes fakes = new BillingFakes(shift)) {
      fakes.env().forEach((k, v) -> System.out.println(k + "=" + v));
      System.out.flush();
      new CountDownLatch(1).await();
    }
  }
}
