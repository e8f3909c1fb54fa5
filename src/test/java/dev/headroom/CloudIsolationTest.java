package dev.headroom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.config.AppPaths;
import dev.headroom.config.GatewaySettings;
import dev.headroom.config.GcpSettings;
import dev.headroom.config.Settings;
import dev.headroom.config.SettingsLoader;
import dev.headroom.config.StorageSettings;
import dev.headroom.memory.ScriptedMemorySource;
import dev.headroom.spot.FakeComputeServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hung Compute Engine endpoint holds only the cloud pool: memory samples and the tick pool (engine tick, cost
 * tick, UI refresh) keep their pace while start-up reconciliation and six creates wait on it.
 */
class CloudIsolationTest {
  @TempDir Path dir;

  @Test
  void aHungComputeEndpointDoesNotDelayMemorySamplesOrTicks() throws Exception {
    try (FakeComputeServer fake = new FakeComputeServer()) {
      fake.hang = Pattern.compile(".*"); // every Compute call hangs (until its deadline)
      Settings d = new SettingsLoader().defaults();
      GcpSettings gcp = fake.settings();
      GatewaySettings g = d.gateway();
      Settings settings = new Settings(d.memory(), gcp, d.autoCreate(), new GatewaySettings(false, 0,
          g.maxRequestBytes(), g.upstreamTimeoutSeconds(), g.healthCheckSeconds(), g.routes()), d.cost(),
          new StorageSettings(dir.resolve("data").toString()), d.ui(), d.notifications());
      AppPaths paths = new AppPaths(dir.resolve("config.json"), dir.resolve("data"));
      try (App app = new App(settings, paths, Clock.systemUTC(), new ScriptedMemorySource(),
          FakeComputeServer.client(gcp), Optional.empty())) {
        app.start();
        app.memory.setDashboardOpen(true); // one sample a second
        for (int i = 0; i < 6; i++) {
          app.spot.create("hung endpoint test");
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (fake.requests.size() < App.CLOUD_THREADS && System.nanoTime() < until) {
          Thread.sleep(20); // until every cloud thread is blocked on the endpoint (the client loads first)
        }
        assertThat(fake.requests).hasSizeGreaterThanOrEqualTo(App.CLOUD_THREADS);
        AtomicInteger samples = new AtomicInteger();
        app.memory.addListener(s -> samples.incrementAndGet());
        CopyOnWriteArrayList<Long> tickLateness = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 20; i++) {
          long asked = System.nanoTime();
          app.tasks.submit(() -> tickLateness.add(System.nanoTime() - asked)).get(2, TimeUnit.SECONDS);
          Thread.sleep(150);
        }
        assertThat(fake.requests).hasSizeLessThanOrEqualTo(App.CLOUD_THREADS + 1); // still stuck there
        assertThat(samples.get()).as("memory samples in ~3.3 s").isGreaterThanOrEqualTo(2);
        assertThat(tickLateness).hasSize(20)
            .allSatisfy(ns -> assertThat(Duration.ofNanos(ns)).isLessThan(Duration.ofMillis(500)));
        fake.release();
      }
    }
  }
}
