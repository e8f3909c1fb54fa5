package dev.headroom.spot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headroom.config.GcpSettings;
import dev.headroom.config.SettingsLoader;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.MutableClock;
import dev.headroom.core.Tasks;
import dev.headroom.store.Database;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real InstancesClient against an in-process fake Compute REST server; H2 on a temp dir. */
class SpotVmServiceTest {
  private static final GceCompute.Polling FAST =
      new GceCompute.Polling(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(30));
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final Tasks tasks = ExecutorTasks.create("spot-test", 2);
  private FakeComputeServer fake;
  private GcpSettings gcp;
  private Database db;
  private SpotVmService spot;

  @BeforeEach
  void setUp() throws Exception {
    fake = new FakeComputeServer();
    GcpSettings d = new SettingsLoader().defaults().gcp();
    gcp = new GcpSettings("test-project", "us-central1", List.of("us-central1-a", "us-central1-b", "us-central1-c"),
        d.machineType(), d.imageProject(), d.imageFamily(), d.diskSizeGb(), d.diskType(), d.maxRunDurationMinutes(),
        d.backendPort(), d.network(), fake.endpoint(), "");
    db = Database.open(dir);
    spot = newService();
  }

  private SpotVmService newService() {
    return new SpotVmService(() -> GceCompute.connect(gcp, FAST), gcp, new SpotStore(db), clock, tasks, "s-test1");
  }

  @AfterEach
  void tearDown() {
    spot.close();
    tasks.close();
    db.close();
    fake.close();
  }

  private SpotVm create() throws Exception {
    return spot.create("test").get(30, TimeUnit.SECONDS);
  }

  @Test
  void insertBodyAsksForASpotVmThatDeletesItselfAtMaxRunDuration() throws Exception {
    SpotVm vm = create();
    assertThat(vm.state()).isEqualTo(VmState.RUNNING);
    JsonNode body = fake.inserts.get(0);
    assertThat(body.path("name").asText()).isEqualTo(vm.name()).startsWith("headroom-20261123-100000-");
    JsonNode sched = body.path("scheduling");
    assertThat(sched.path("provisioningModel").asText()).isEqualTo("SPOT");
    assertThat(sched.path("instanceTerminationAction").asText()).isEqualTo("DELETE");
    assertThat(sched.path("maxRunDuration").path("seconds").asLong()).isEqualTo(10_800);
    assertThat(body.path("labels").path("managed-by").asText()).isEqualTo("headroom");
    assertThat(body.path("labels").path("headroom-session").asText()).isEqualTo("s-test1");
    assertThat(body.path("machineType").asText()).isEqualTo("zones/us-central1-a/machineTypes/e2-highmem-4");
    JsonNode disk = body.path("disks").get(0);
    assertThat(disk.path("boot").asBoolean()).isTrue();
    assertThat(disk.path("initializeParams").path("sourceImage").asText())
        .isEqualTo("projects/debian-cloud/global/images/family/debian-12");
    assertThat(body.path("networkInterfaces").get(0).path("accessConfigs").get(0).path("type").asText())
        .isEqualTo("ONE_TO_ONE_NAT");
    JsonNode item = body.path("metadata").path("items").get(0);
    assertThat(item.path("key").asText()).isEqualTo("startup-script");
    assertThat(item.path("value").asText()).contains("headroom-backend-port");
  }

  @Test
  void runningVmHasItsExternalIpAndTimeline() throws Exception {
    SpotVm vm = create();
    assertThat(vm.externalIp()).startsWith("34.1.2.");
    assertThat(spot.runningVm()).map(SpotVm::name).contains(vm.name());
    assertThat(spot.events(vm.name())).extracting(VmEvent::state)
        .containsSubsequence(VmState.REQUESTED, VmState.PROVISIONING, VmState.RUNNING);
  }

  @Test
  void stockoutInOneZoneFallsBackToTheNext() throws Exception {
    fake.stockoutZones.add("us-central1-a");
    SpotVm vm = create();
    assertThat(vm.state()).isEqualTo(VmState.RUNNING);
    assertThat(vm.zone()).isEqualTo("us-central1-b");
    assertThat(fake.inserts).hasSize(2);
    assertThat(spot.events(vm.name())).extracting(VmEvent::message)
        .anyMatch(m -> m.startsWith("us-central1-a: no Spot capacity") && m.contains("ZONE_RESOURCE_POOL_EXHAUSTED")
            && m.endsWith("trying the next zone"));
  }

  @Test
  void quotaInEveryZoneFailsWithAClearMessage() throws Exception {
    fake.quotaZones.addAll(gcp.zones());
    SpotVm vm = create();
    assertThat(vm.state()).isEqualTo(VmState.FAILED);
    assertThat(vm.lastMessage()).startsWith("Quota exceeded for e2-highmem-4 Spot VMs in us-central1")
        .contains("Quota 'PREEMPTIBLE_CPUS' exceeded.  Limit: 8.0 in region us-central1.")
        .contains("Request more quota");
    assertThat(fake.inserts).hasSize(3);
  }

  @Test
  void operationDoneWithErrorsIsAFailure() throws Exception {
    fake.nextOperationError = "INVALID_FIELD_VALUE";
    SpotVm vm = create();
    assertThat(vm.state()).isEqualTo(VmState.FAILED);
    assertThat(vm.lastMessage()).contains("INVALID_FIELD_VALUE");
    assertThat(fake.inserts).hasSize(1); // not a zone problem: no fallback
  }

  @Test
  void slowOperationIsPolledToCompletion() throws Exception {
    fake.pollsBeforeDone = 5;
    SpotVm vm = create();
    assertThat(vm.state()).isEqualTo(VmState.RUNNING);
    assertThat(fake.operationPolls.get()).isGreaterThanOrEqualTo(6);
  }

  @Test
  void runningVmThatDisappearsIsPreempted() throws Exception {
    SpotVm vm = create();
    fake.preempt(vm.zone(), vm.name());
    clock.advance(Duration.ofMinutes(7));
    spot.refresh();
    SpotVm after = spot.vm(vm.name()).orElseThrow();
    assertThat(after.state()).isEqualTo(VmState.PREEMPTED);
    assertThat(after.lastMessage()).contains("disappeared without Headroom asking");
    assertThat(after.uptime(clock.instant().plusSeconds(600))).isEqualTo(Duration.ofMinutes(7));
  }

  @Test
  void runningVmThatStopsIsPreemptedAndDeleted() throws Exception {
    SpotVm vm = create();
    fake.stop(vm.zone(), vm.name());
    spot.refresh();
    assertThat(spot.vm(vm.name()).orElseThrow().state()).isEqualTo(VmState.PREEMPTED);
    assertThat(fake.exists(vm.zone(), vm.name())).isFalse();
  }

  @Test
  void terminateDeletesTheVm() throws Exception {
    SpotVm vm = create();
    SpotVm done = spot.terminate(vm.name(), "user asked").get(30, TimeUnit.SECONDS);
    assertThat(done.state()).isEqualTo(VmState.DELETED);
    assertThat(fake.exists(vm.zone(), vm.name())).isFalse();
    assertThat(spot.events(vm.name())).extracting(VmEvent::state).containsSubsequence(VmState.TERMINATING,
        VmState.DELETED);
    spot.refresh();
    assertThat(spot.vm(vm.name()).orElseThrow().state()).isEqualTo(VmState.DELETED); // not a preemption
  }

  @Test
  void terminateAllDeletesEveryActiveVm() throws Exception {
    SpotVm a = create();
    SpotVm b = create();
    spot.terminateAll("quit").get(30, TimeUnit.SECONDS);
    assertThat(spot.vms()).extracting(SpotVm::state).containsOnly(VmState.DELETED);
    assertThat(fake.deletes).contains(a.name(), b.name());
  }

  @Test
  void reconcileAdoptsRunningOrphansAndDeletesTheRest() throws Exception {
    Map<String, String> labels = Map.of("managed-by", "headroom", "headroom-session", "s-old");
    fake.seed("us-central1-a", "headroom-old-1", "RUNNING", labels);
    fake.seed("us-central1-b", "headroom-old-2", "TERMINATED", labels);
    fake.seed("us-central1-b", "headroom-old-3", "RUNNING", labels);
    fake.seed("us-central1-b", "headroom-old-4", "RUNNING", labels);
    fake.seed("us-central1-c", "someone-elses", "RUNNING", Map.of("team", "x"));
    spot.reconcile();
    assertThat(spot.vm("headroom-old-1").orElseThrow().state()).isEqualTo(VmState.RUNNING);
    assertThat(spot.vm("headroom-old-4").orElseThrow().state()).isEqualTo(VmState.RUNNING); // found on page 2
    assertThat(fake.exists("us-central1-b", "headroom-old-2")).isFalse();
    assertThat(spot.vm("headroom-old-2").orElseThrow().state()).isEqualTo(VmState.DELETED);
    assertThat(fake.exists("us-central1-c", "someone-elses")).isTrue();
    assertThat(spot.vm("someone-elses")).isEmpty();
    assertThat(fake.listPages.get()).isGreaterThanOrEqualTo(4); // 3 zones, the second one paged
  }

  @Test
  void vmsAndTimelinesSurviveARestart() throws Exception {
    SpotVm vm = create();
    spot.close();
    spot = newService();
    assertThat(spot.vm(vm.name()).orElseThrow().state()).isEqualTo(VmState.RUNNING);
    assertThat(spot.events(vm.name())).hasSizeGreaterThanOrEqualTo(3);
    assertThat(spot.lastCreateAt()).contains(clock.instant());
  }

  @Test
  void restartReconcilesAVmPreemptedWhileTheAppWasOff() throws Exception {
    SpotVm vm = create();
    spot.close();
    fake.preempt(vm.zone(), vm.name());
    spot = newService();
    spot.reconcile();
    SpotVm after = spot.vm(vm.name()).orElseThrow();
    assertThat(after.state()).isEqualTo(VmState.PREEMPTED);
    assertThat(after.lastMessage()).contains("found gone at start");
  }

  @Test
  void withoutAProjectCreateSaysHowToConnect() {
    GcpSettings none = new SettingsLoader().defaults().gcp();
    SpotVmService unconfigured = new SpotVmService(() -> GceCompute.connect(none, FAST), none, new SpotStore(db),
        clock, tasks, "s");
    assertThat(unconfigured.notConnectedReason()).hasValueSatisfying(m ->
        assertThat(m).contains("gcp.project").contains("gcloud auth application-default login")
            .contains("roles/compute.instanceAdmin.v1"));
    assertThatThrownBy(() -> unconfigured.create("x").get()).isInstanceOf(ExecutionException.class)
        .hasMessageContaining("gcloud auth application-default login");
  }
}
