package dev.headroom.cost;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.headroom.testing.LoopbackHttp;
import dev.headroom.config.GcpSettings;
import dev.headroom.config.SettingsLoader;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** machineTypes.get through the real MachineTypesClient (REST) against a loopback server answering like GCE. */
class GceMachineTypesTest {
  private HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
  private GceMachineTypes types;

  @BeforeEach
  void setUp() throws IOException {
    server = LoopbackHttp.server("fake-" + getClass().getSimpleName());
    server.createContext("/compute/v1/projects/p/zones/us-central1-a/machineTypes/", ex -> {
      requests.incrementAndGet();
      String name = ex.getRequestURI().getPath().substring(ex.getRequestURI().getPath().lastIndexOf('/') + 1);
      String body;
      int code = 200;
      switch (name) {
        case "n2-highmem-128" -> body = type(name, 128, 884_736, false, "128 vCPUs, 864 GB RAM");
        case "e2-micro" -> body = type(name, 2, 1024, true, "Efficient Instance, 2 vCPU (1/8 shared physical core)"
            + " and 1 GB RAM");
        case "z9-brand-new-8" -> body = type(name, 8, 65_536, false, "8 vCPUs, 64 GB RAM");
        default -> {
          code = 404;
          body = "{\"error\":{\"code\":404,\"message\":\"The resource 'projects/p/zones/us-central1-a/machineTypes/"
              + name + "' was not found\",\"errors\":[{\"message\":\"The resource was not found\",\"domain\":"
              + "\"global\",\"reason\":\"notFound\"}]}}";
        }
      }
      LoopbackHttp.send(ex, code, "application/json; charset=UTF-8", body.getBytes(StandardCharsets.UTF_8));
    });
    server.start();
    GcpSettings d = new SettingsLoader().defaults().gcp();
    GcpSettings gcp = new GcpSettings("p", "us-central1", java.util.List.of("us-central1-a"), d.machineType(),
        d.imageProject(), d.imageFamily(), d.diskSizeGb(), d.diskType(), d.maxRunDurationMinutes(), d.backendPort(),
        d.network(), LoopbackHttp.endpoint(server), "");
    types = GceMachineTypes.connect(gcp, clock, ExecutorTasks.sameThread());
  }

  @AfterEach
  void tearDown() {
    types.close();
    LoopbackHttp.stop(server);
  }

  private static String type(String name, int cpus, int memoryMb, boolean shared, String description) {
    return "{\"kind\":\"compute#machineType\",\"id\":\"901128\",\"creationTimestamp\":\"1969-12-31T16:00:00.000-08:00\","
        + "\"name\":\"" + name + "\",\"description\":\"" + description + "\",\"guestCpus\":" + cpus + ",\"memoryMb\":"
        + memoryMb + ",\"imageSpaceGb\":0,\"maximumPersistentDisks\":128,\"maximumPersistentDisksSizeGb\":\"263168\","
        + "\"zone\":\"us-central1-a\",\"selfLink\":\"https://www.googleapis.com/compute/v1/projects/p/zones/"
        + "us-central1-a/machineTypes/" + name + "\",\"isSharedCpu\":" + shared + "}";
  }

  @Test
  void theLiveShapeIsUsedAndMemoizedForADay() {
    MachineShape s = types.shape("n2-highmem-128").orElseThrow();
    assertThat(s.vcpus()).isEqualByComparingTo("128");
    assertThat(s.memoryGib()).isEqualByComparingTo("864");
    assertThat(s.series()).isEqualTo("n2");
    types.shape("n2-highmem-128");
    assertThat(requests.get()).isEqualTo(1);
    clock.advance(Duration.ofHours(25));
    types.shape("n2-highmem-128");
    assertThat(requests.get()).isEqualTo(2);
  }

  @Test
  void aTypeTheBundledTableDoesNotKnowIsPricedFromTheApi() {
    assertThat(MachineShape.of("z9-brand-new-8")).isEmpty();
    assertThat(types.shape("z9-brand-new-8")).hasValueSatisfying(s -> assertThat(s.memoryGib())
        .isEqualByComparingTo("64"));
  }

  @Test
  void sharedCoreBillsItsFractionNotTheVisibleVcpus() {
    assertThat(types.shape("e2-micro").orElseThrow().vcpus()).isEqualByComparingTo("0.25");
  }

  @Test
  void aTypeGceDoesNotOfferIsUnknown() {
    assertThat(types.shape("n2d-highmem-128")).isEmpty();
  }
}
