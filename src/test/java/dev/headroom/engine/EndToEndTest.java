package dev.headroom.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.config.AutoCreateSettings;
import dev.headroom.config.GatewaySettings;
import dev.headroom.config.GatewaySettings.RouteRule;
import dev.headroom.config.GcpSettings;
import dev.headroom.config.MemorySettings;
import dev.headroom.config.SettingsLoader;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.MutableClock;
import dev.headroom.core.Tasks;
import dev.headroom.gateway.Gateway;
import dev.headroom.gateway.Upstream;
import dev.headroom.memory.MemoryHistory;
import dev.headroom.memory.MemoryMonitor;
import dev.headroom.memory.Pressure;
import dev.headroom.memory.ScriptedMemorySource;
import dev.headroom.spot.FakeComputeServer;
import dev.headroom.spot.SpotStore;
import dev.headroom.spot.SpotVm;
import dev.headroom.spot.SpotVmService;
import dev.headroom.spot.VmState;
import dev.headroom.store.Database;
import dev.headroom.tunnel.TestSshServer;
import dev.headroom.tunnel.TunnelManager;
import dev.headroom.tunnel.VmKeys;
import java.net.URI;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory pressure -> policy -> insert on the fake Compute server (real client) -> RUNNING -> host key pinned from
 * guest attributes -> SSH tunnel (MINA SSHD's own server stands in for the VM's sshd on its "external IP" 127.0.0.2)
 * -> the gateway routes a CLOUD_PREFERRED request through the tunnel to the "VM backend", which listens on 127.0.0.1
 * only, as the startup script binds it -> preemption -> served locally -> a new VM -> idle timeout deletes it. Real
 * HTTP and SSH on loopback throughout; time from a clock the test moves.
 */
class EndToEndTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final Tasks tasks = ExecutorTasks.create("e2e", 4);
  private final HttpClient http = HttpClient.newHttpClient();
  private final ScriptedMemorySource memorySource = new ScriptedMemorySource();
  private FakeComputeServer fake;
  private Upstream local;
  private Upstream vmBackend;
  private TestSshServer vmSshd;
  private TunnelManager tunnels;
  private SpotFleet fleet;
  private Database db;
  private SpotVmService spot;
  private Gateway gateway;
  private MemoryMonitor monitor;
  private Engine engine;

  @BeforeEach
  void setUp() throws Exception {
    fake = new FakeComputeServer();
    fake.natIp = "127.0.0.2"; // the VM's "external IP": its sshd listens there, its backend does not
    local = new Upstream("local");
    vmBackend = new Upstream("vm"); // on 127.0.0.1 only, like the workload on the VM
    // The VM's sshd: installs the ssh-keys of every insert (as the guest environment does) and publishes its host key.
    vmSshd = new TestSshServer("127.0.0.2").installKeysFrom(() -> fake.inserts.stream()
        .flatMap(b -> java.util.stream.StreamSupport.stream(b.path("metadata").path("items").spliterator(), false))
        .filter(i -> i.path("key").asText().equals("ssh-keys")).map(i -> i.path("value").asText()).toList())
        .start();
    String[] hostKey = vmSshd.hostKeyAttribute();
    fake.hostKeys.put(hostKey[0], hostKey[1]);
    var defaults = new SettingsLoader().defaults();
    GcpSettings gcp = fake.settings(defaults.gcp().zones(), vmBackend.uri().getPort(), vmSshd.port());
    MemorySettings mem = defaults.memory();
    AutoCreateSettings auto = new AutoCreateSettings(true, 2, 5, 30, false);
    db = Database.open(dir);
    spot = new SpotVmService(FakeComputeServer.client(gcp), gcp, new SpotStore(db), clock, tasks, "e2e");
    tunnels = new TunnelManager(spot, VmKeys.inDirectory(dir.resolve("vm-keys")), gcp.sshPort(), gcp.backendPort(),
        tasks, clock, new TunnelManager.Timing(Duration.ofMillis(50), Duration.ofMillis(400), Duration.ofSeconds(5)));
    spot.setVmMetadata(tunnels::metadataFor);
    tunnels.start();
    fleet = new SpotFleet(spot, tunnels);
    monitor = new MemoryMonitor(memorySource, mem, new MemoryHistory(null), clock, tasks);
    BooleanSupplier pressured = () -> monitor.latest().map(s -> s.pressure().atLeast(Pressure.HIGH)).orElse(false);
    gateway = new Gateway(new GatewaySettings(true, 0, 1 << 20, 5, 60,
        List.of(new RouteRule("work", "/work/", "CLOUD_PREFERRED", local.uri().toString(), "GENERIC"))),
        fleet::backend, pressured, u -> { }, clock, tasks);
    gateway.start();
    Spend spend = new Spend() {
      @Override
      public Optional<BigDecimal> hourlyPrice() {
        return Optional.of(new BigDecimal("0.0400"));
      }

      @Override
      public Optional<BigDecimal> dailyBudgetLeft() {
        return Optional.of(new BigDecimal("10"));
      }
    };
    engine = new Engine(mem, auto, fleet, spend, new GatewayTraffic(gateway), new DecisionLog(db), clock, tasks);
    monitor.addListener(engine::onReading);
  }

  @AfterEach
  void tearDown() throws Exception {
    gateway.close();
    tunnels.close();
    spot.close();
    tasks.close();
    db.close();
    fake.close();
    local.close();
    vmBackend.close();
    vmSshd.close();
  }

  private void pressure(double percent, int seconds) {
    memorySource.setUsedPercent(percent);
    for (int i = 0; i < seconds; i++) {
      monitor.sampleNow();
      clock.advance(Duration.ofSeconds(1));
    }
  }

  /** One request through the gateway; returns once the gateway has finished with it (before time moves). */
  private String work() throws Exception {
    String body = http.send(HttpRequest.newBuilder(gateway.address().resolve("/work/job")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (gateway.cloudInFlight() > 0 && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    return body;
  }

  /** Waits for a RUNNING VM and for the tunnel to it (the gateway's cloud target). */
  private SpotVm awaitRunning() throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < until) {
      Optional<SpotVm> vm = spot.runningVm();
      if (vm.isPresent() && fleet.backend().isPresent()) {
        return vm.get();
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no VM reached RUNNING with a tunnel; decisions: " + engine.decisions().recent()
        + "; tunnels " + tunnels.statuses());
  }

  private void awaitNoCloudTarget() throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (fleet.backend().isPresent() && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertThat(fleet.backend()).isEmpty();
  }

  @Test
  void pressureBurstsToASpotVmAndBack() throws Exception {
    assertThat(work()).isEqualTo("local GET /job");

    pressure(92, 21); // 92 % for 20 s: the projection (and then the sustained window) crosses 85 %
    SpotVm vm = awaitRunning();
    assertThat(fake.inserts).hasSize(1); // one create: the cooldown blocks the rest
    assertThat(engine.decisions().recent()).extracting(Decision::action).contains(Decision.Action.CREATE);

    assertThat(work()).isEqualTo("vm GET /job"); // CLOUD_PREFERRED goes through the tunnel to the VM's backend
    // Never the VM's external IP in plain HTTP: the cloud target is the tunnel's loopback end, the backend answers
    // only on the VM's own 127.0.0.1, and the one way there is the SSH forward the pinned-key login opened.
    assertThat(fleet.backend().orElseThrow().getHost()).isEqualTo("127.0.0.1");
    assertThat(fleet.backend().orElseThrow().getPort()).isNotEqualTo(vmBackend.uri().getPort());
    assertThat(vm.externalIp()).isEqualTo("127.0.0.2");
    assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create("http://" + vm.externalIp() + ":"
        + vmBackend.uri().getPort() + "/job")).build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(java.net.ConnectException.class);
    assertThat(vmSshd.logins).contains("headroom");
    assertThat(vmSshd.forwards).isNotEmpty().allMatch(a -> a.getPort() == vmBackend.uri().getPort());
    assertThat(spot.events(vm.name())).extracting(e -> e.message())
        .anyMatch(m -> m.startsWith("Pinned the SSH host key the VM published: ssh-ed25519 SHA256:"))
        .anyMatch(m -> m.startsWith("Tunnel up: 127.0.0.1:"));

    fake.preempt(vm.zone(), vm.name());
    spot.refresh();
    assertThat(spot.vm(vm.name()).orElseThrow().state()).isEqualTo(VmState.PREEMPTED);
    awaitNoCloudTarget(); // the preempted VM's tunnel is closed
    assertThat(work()).isEqualTo("local GET /job"); // served locally once the VM is gone

    clock.advance(Duration.ofMinutes(5)); // past the cooldown, pressure still high: a new VM
    pressure(92, 21);
    SpotVm second = awaitRunning();
    assertThat(second.name()).isNotEqualTo(vm.name());
    assertThat(work()).isEqualTo("vm GET /job");

    pressure(40, 1); // pressure back to normal, no more traffic
    clock.advance(Duration.ofMinutes(29));
    engine.reap();
    assertThat(spot.vm(second.name()).orElseThrow().state()).isEqualTo(VmState.RUNNING);
    clock.advance(Duration.ofMinutes(1));
    engine.reap();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (spot.vm(second.name()).orElseThrow().state() != VmState.DELETED && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    assertThat(spot.vm(second.name()).orElseThrow().state())
        .as(() -> "decisions " + engine.decisions().recent() + " events " + spot.events(second.name()))
        .isEqualTo(VmState.DELETED);
    assertThat(fake.deletes).contains(second.name());
    assertThat(engine.decisions().recent()).extracting(Decision::reason).contains("REAP_IDLE");
  }
}
