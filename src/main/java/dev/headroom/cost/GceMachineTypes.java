package dev.headroom.cost;

import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.compute.v1.MachineType;
import com.google.cloud.compute.v1.MachineTypesClient;
import com.google.cloud.compute.v1.MachineTypesSettings;
import dev.headroom.config.GcpSettings;
import dev.headroom.core.AppException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MachineTypes} from Compute Engine {@code machineTypes.get} (the real {@code google-cloud-compute} client,
 * REST) in the first configured zone, memoized for {@link #TTL} by the injected clock. Never blocks the caller: an
 * unknown or stale type is fetched on {@link Tasks} (the client is created there, on first use) while the memo or
 * the bundled table answers. Shared-core types bill the fraction of a vCPU the bundled table says (the API reports
 * the visible vCPUs). A type the API answers 404 for is what the bundled table says (empty when it does not know it
 * either).
 */
public final class GceMachineTypes implements MachineTypes, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GceMachineTypes.class);
  public static final Duration TTL = Duration.ofHours(24);
  private static final BigDecimal MIB_PER_GIB = BigDecimal.valueOf(1024);

  private record Entry(Optional<MachineShape> shape, Instant until) {}

  private final java.util.function.Supplier<MachineTypesClient> connect;
  private final String project;
  private final String zone;
  private final Clock clock;
  private final dev.headroom.core.Tasks tasks;
  private final Map<String, Entry> memo = new ConcurrentHashMap<>();
  private final java.util.Set<String> fetching = ConcurrentHashMap.newKeySet();
  private volatile MachineTypesClient client;

  GceMachineTypes(java.util.function.Supplier<MachineTypesClient> connect, String project, String zone, Clock clock,
      dev.headroom.core.Tasks tasks) {
    this.connect = connect;
    this.project = project;
    this.zone = zone;
    this.clock = clock;
    this.tasks = tasks;
  }

  /** Connects like the Compute adapter does ({@code gcp.computeEndpoint} without credentials, else ADC). */
  public static GceMachineTypes connect(GcpSettings gcp, Clock clock, dev.headroom.core.Tasks tasks) {
    String zone = gcp.zones().isEmpty() ? gcp.region() + "-a" : gcp.zones().get(0);
    return new GceMachineTypes(() -> {
      try {
        MachineTypesSettings.Builder b = MachineTypesSettings.newBuilder();
        if (gcp.computeEndpoint() != null && !gcp.computeEndpoint().isBlank()) {
          b.setEndpoint(gcp.computeEndpoint()).setCredentialsProvider(NoCredentialsProvider.create());
        } else {
          b.setCredentialsProvider(FixedCredentialsProvider.create(GoogleCredentials.getApplicationDefault()));
        }
        return MachineTypesClient.create(b.build());
      } catch (IOException e) {
        throw new AppException("No Google Cloud credentials for Compute Engine machine types: " + e.getMessage(), e);
      }
    }, gcp.project(), zone, clock, tasks);
  }

  @Override
  public Optional<MachineShape> shape(String machineType) {
    String type = machineType.toLowerCase(java.util.Locale.ROOT).trim();
    Entry e = memo.get(type);
    if (e == null || !clock.instant().isBefore(e.until())) {
      if (fetching.add(type)) {
        tasks.run(() -> {
          try {
            fetch(type);
          } finally {
            fetching.remove(type);
          }
        });
      }
      e = memo.get(type); // a same-thread executor has fetched already
    }
    return e != null ? e.shape() : MachineShape.of(type);
  }

  private void fetch(String type) {
    Optional<MachineShape> s;
    try {
      if (client == null) {
        client = connect.get();
      }
      s = Optional.of(toShape(type, client.get(project, zone, type)));
    } catch (NotFoundException nf) {
      s = MachineShape.of(type); // not offered in this zone (or an emulator without machine types): the table decides
    } catch (ApiException | AppException ex) {
      LOG.warn("machineTypes.get {} failed ({}); using the bundled shape table", type, ex.getMessage());
      return; // not memoized: asked again next time
    }
    memo.put(type, new Entry(s, clock.instant().plus(TTL)));
  }

  static MachineShape toShape(String name, MachineType t) {
    BigDecimal vcpus = BigDecimal.valueOf(t.getGuestCpus());
    if (t.getIsSharedCpu()) {
      vcpus = MachineShape.of(name).map(MachineShape::vcpus).orElse(vcpus);
    }
    BigDecimal gib = BigDecimal.valueOf(t.getMemoryMb()).divide(MIB_PER_GIB, 6, RoundingMode.HALF_UP)
        .stripTrailingZeros();
    return new MachineShape(MachineShape.seriesOf(name), vcpus, gib);
  }

  @Override
  public void close() {
    MachineTypesClient c = client;
    if (c != null) {
      c.close();
    }
  }
}
