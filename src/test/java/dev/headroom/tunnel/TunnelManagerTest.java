package dev.headroom.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headroom.config.GatewaySettings;
import dev.headroom.config.GatewaySettings.RouteRule;
import dev.headroom.config.GcpSettings;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.MutableClock;
import dev.headroom.core.Tasks;
import dev.headroom.gateway.Gateway;
import dev.headroom.gateway.Upstream;
import dev.headroom.spot.FakeComputeServer;
import dev.headroom.spot.SpotStore;
import dev.headroom.spot.SpotVm;
import dev.headroom.spot.SpotVmService;
import dev.headroom.spot.VmEvent;
import dev.headroom.spot.VmState;
import dev.headroom.store.Database;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The private path end to end on loopback: the real InstancesClient against the fake Compute server (insert with
 * ssh-keys, getGuestAttributes with the host key), Apache MINA SSHD's own server standing in for the VM's sshd, and a
 * loopback HTTP upstream standing in for the VM's backend on its 127.0.0.1.
 */
class TunnelManagerTest {
  static final TunnelManager.Timing FAST = new TunnelManager.Timing(Duration.ofMillis(50), Duration.ofMillis(400),
      Duration.ofSeconds(5));
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final Tasks tasks = ExecutorTasks.create("tunnel-test", 4);
  private final HttpClient http = HttpClient.newHttpClient();
  private FakeComputeServer fake;
  private TestSshServer sshd;
  private Upstream vmBackend;
  private Upstream local;
  private Database db;
  private SpotVmService spot;
  private VmKeys keys;
  private TunnelManager tunnels;
  private Gateway gateway;

  @BeforeEach
  void setUp() throws Exception {
    fake = new FakeComputeServer();
    fake.natIp = "127.0.0.1"; // the fake VM's external IP: loopback, where the SSH server listens
    sshd = new TestSshServer().start();
    vmBackend = new Upstream("vm");
    local = new Upstream("local");
    GcpSettings gcp = fake.settings(List.of("us-central1-a"), vmBackend.uri().getPort(), sshd.port());
    db = Database.open(dir.resolve("db"));
    spot = new SpotVmService(FakeComputeServer.client(gcp), gcp, new SpotStore(db), clock, tasks, "s-tunnel");
    keys = VmKeys.inDirectory(dir.resolve("vm-keys"));
    tunnels = new TunnelManager(spot, keys, gcp.sshPort(), gcp.backendPort(), tasks, clock, FAST);
    spot.setVmMetadata(tunnels::metadataFor);
    tunnels.start();
    gateway = new Gateway(new GatewaySettings(true, 0, 1 << 20, 5, 60,
        List.of(new RouteRule("work", "/work/", "CLOUD_PREFERRED", local.uri().toString(), "GENERIC"))),
        tunnels::backend, () -> false, u -> { }, clock, tasks);
    gateway.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    gateway.close();
    tunnels.close();
    spot.close();
    tasks.close();
    db.close();
    sshd.close();
    fake.close();
    vmBackend.close();
    local.close();
  }

  /** Creates a VM; the guest installs its ssh-keys line (as the guest environment does) and publishes the host key. */
  private SpotVm bootVm() throws Exception {
    SpotVm vm = spot.create("test").get(30, TimeUnit.SECONDS);
    assertThat(vm.state()).isEqualTo(VmState.RUNNING);
    sshd.authorize(metadata(fake.inserts.get(fake.inserts.size() - 1)).get("ssh-keys"));
    String[] hostKey = sshd.hostKeyAttribute();
    fake.hostKeys.put(hostKey[0], hostKey[1]);
    return vm;
  }

  private static Map<String, String> metadata(JsonNode insertBody) {
    Map<String, String> out = new java.util.HashMap<>();
    for (JsonNode item : insertBody.path("metadata").path("items")) {
      out.put(item.path("key").asText(), item.path("value").asText());
    }
    return out;
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  private String get(URI base, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private List<String> timeline(SpotVm vm) {
    return spot.events(vm.name()).stream().map(VmEvent::message).toList();
  }

  @Test
  void insertBodyCarriesThePerVmLoginKeyAndEnablesGuestAttributes() throws Exception {
    SpotVm vm = spot.create("test").get(30, TimeUnit.SECONDS);
    Map<String, String> md = metadata(fake.inserts.get(0));
    assertThat(md.get("enable-guest-attributes")).isEqualTo("TRUE");
    assertThat(md.get("ssh-keys")).matches("headroom:ssh-ed25519 AAAAC3NzaC1lZDI1NTE5[A-Za-z0-9+/]+=* headroom");
    // The public half in the metadata is the VM's own key pair; the private half is in a 0600 file, nowhere else.
    String publicPart = md.get("ssh-keys").substring("headroom:".length(), md.get("ssh-keys").lastIndexOf(' '));
    assertThat(PublicKeyEntry.toString(keys.existing(vm.name()).orElseThrow().getPublic())).isEqualTo(publicPart);
    Path keyFile = dir.resolve("vm-keys").resolve(vm.name() + ".key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("vm-keys"))))
        .isEqualTo("rwx------");
    assertThat(Files.readString(keyFile)).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
    assertThat(md.values()).noneMatch(v -> v.contains("PRIVATE KEY"));
  }

  @Test
  void aMatchingPinnedHostKeyOpensTheTunnelAndCloudTrafficGoesThroughIt() throws Exception {
    fake.hostKeysAfterCalls = 2; // the guest agent publishes the host keys a little after RUNNING
    SpotVm vm = bootVm();
    await("the tunnel", () -> tunnels.backend().isPresent());

    URI backend = tunnels.backend().orElseThrow();
    assertThat(backend.getHost()).isEqualTo("127.0.0.1");
    assertThat(backend.getPort()).isNotEqualTo(vmBackend.uri().getPort()); // the tunnel's end, not the VM's port
    assertThat(get(backend, "/health")).isEqualTo("vm GET /health");
    assertThat(get(gateway.address(), "/work/job")).isEqualTo("vm GET /job"); // CLOUD_PREFERRED via the tunnel
    assertThat(sshd.logins).containsOnly("headroom");
    assertThat(sshd.forwards).allMatch(a -> a.getHostName().equals("127.0.0.1")
        && a.getPort() == vmBackend.uri().getPort());
    assertThat(fake.guestAttributeQueries).hasSizeGreaterThanOrEqualTo(3).allMatch(q -> q.equals("queryPath=hostkeys/"));
    String fingerprint = KeyUtils.getFingerPrint(sshd.hostKey.getPublic());
    assertThat(timeline(vm)).anyMatch(m -> m.startsWith("Waiting for the VM's guest environment to publish"))
        .anyMatch(m -> m.equals("Pinned the SSH host key the VM published: ssh-ed25519 " + fingerprint))
        .anyMatch(m -> m.startsWith("Tunnel up: 127.0.0.1:" + backend.getPort() + " -> the VM's 127.0.0.1:"
            + vmBackend.uri().getPort()));
    assertThat(tunnels.statuses()).singleElement().satisfies(s -> {
      assertThat(s.state()).isEqualTo(TunnelStatus.State.UP);
      assertThat(s.localPort()).contains(backend.getPort());
      assertThat(s.hostKeys()).isEqualTo("ssh-ed25519 " + fingerprint);
    });
  }

  @Test
  void aHostKeyThatWasNotPublishedIsRefusedAndReportedInTheTimeline() throws Exception {
    SpotVm vm = spot.create("test").get(30, TimeUnit.SECONDS);
    sshd.authorize(metadata(fake.inserts.get(0)).get("ssh-keys"));
    // The API says one key; the server on the VM's address presents another (a man in the middle, a wrong host).
    var other = VmKeys.newEd25519();
    String[] words = PublicKeyEntry.toString(other.getPublic()).split(" ");
    fake.hostKeys.put(words[0], words[1]);

    await("the refusal", () -> tunnels.statuses().stream()
        .anyMatch(s -> s.state() == TunnelStatus.State.REFUSED));
    assertThat(tunnels.backend()).isEmpty();
    assertThat(get(gateway.address(), "/work/job")).isEqualTo("local GET /job");
    assertThat(sshd.logins).isEmpty(); // never logged in, never forwarded
    assertThat(sshd.forwards).isEmpty();
    String presented = "ssh-ed25519 " + KeyUtils.getFingerPrint(sshd.hostKey.getPublic());
    String pinned = "ssh-ed25519 " + KeyUtils.getFingerPrint(other.getPublic());
    await("the timeline entry", () -> timeline(vm).stream().anyMatch(m -> m.startsWith("Host key mismatch")));
    assertThat(timeline(vm)).filteredOn(m -> m.startsWith("Host key mismatch")).first().asString()
        .contains("the VM presented host key " + presented).contains(pinned).doesNotContain("Tunnel up");
    assertThat(timeline(vm)).noneMatch(m -> m.startsWith("Tunnel up"));
  }

  @Test
  void aLoginRefusedWhileTheGuestHasNotInstalledTheKeyYetIsRetried() throws Exception {
    SpotVm vm = spot.create("test").get(30, TimeUnit.SECONDS);
    String[] hostKey = sshd.hostKeyAttribute();
    fake.hostKeys.put(hostKey[0], hostKey[1]); // host keys published, login key not installed yet

    await("a refused login", () -> timeline(vm).stream().anyMatch(m -> m.startsWith("SSH login refused")));
    assertThat(tunnels.backend()).isEmpty();
    assertThat(tunnels.statuses().get(0).state()).isIn(TunnelStatus.State.DOWN, TunnelStatus.State.CONNECTING);

    sshd.authorize(metadata(fake.inserts.get(0)).get("ssh-keys")); // the guest environment catches up
    await("the tunnel", () -> tunnels.backend().isPresent());
    assertThat(get(gateway.address(), "/work/job")).isEqualTo("vm GET /job");
    assertThat(timeline(vm)).filteredOn(m -> m.startsWith("SSH login refused")).hasSize(1); // not one per retry
  }

  @Test
  void aDroppedTunnelFallsBackToLocalThenReconnects() throws Exception {
    SpotVm vm = bootVm();
    await("the tunnel", () -> tunnels.backend().isPresent());
    assertThat(get(gateway.address(), "/work/job")).isEqualTo("vm GET /job");

    sshd.stop(); // the connection breaks and the VM's sshd is unreachable for a while
    await("the drop", () -> tunnels.backend().isEmpty());
    assertThat(get(gateway.address(), "/work/job")).isEqualTo("local GET /job");
    await("a failed reconnect", () -> tunnels.statuses().get(0).state() == TunnelStatus.State.DOWN
        && timeline(vm).stream().anyMatch(m -> m.startsWith("Tunnel not up: cannot connect")));

    sshd.start(); // back on the same address and port, same host key
    await("the reconnect", () -> tunnels.backend().isPresent());
    assertThat(get(gateway.address(), "/work/job")).isEqualTo("vm GET /job");
    assertThat(timeline(vm)).filteredOn(m -> m.startsWith("Tunnel up")).hasSize(2);
    assertThat(timeline(vm)).anyMatch(m -> m.startsWith("Tunnel dropped (the SSH connection closed)"));
  }

  @Test
  void aDeletedVmLosesItsTunnelAndItsKey() throws Exception {
    SpotVm vm = bootVm();
    await("the tunnel", () -> tunnels.backend().isPresent());
    Path keyFile = dir.resolve("vm-keys").resolve(vm.name() + ".key");
    assertThat(keyFile).exists();

    spot.terminate(vm.name(), "test").get(30, TimeUnit.SECONDS);
    await("the tunnel to close", () -> tunnels.backend().isEmpty() && tunnels.statuses().isEmpty());
    await("the key to be forgotten", () -> !Files.exists(keyFile));
    assertThat(keys.existing(vm.name())).isEmpty();
  }
}
