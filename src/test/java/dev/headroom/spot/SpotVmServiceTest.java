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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real InstancesClient against an in-process fake Compute REST server; H2 on a temp dir. */
class SpotVmServiceTest {
  private static final GceCompute.Polling FAST = FakeComputeServer.FAST_POLLING;
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
    fake.now = clock::instant;
    gcp = fake.settings(List.of("us-central1-a", "us-central1-b", "us-central1-c"));
    db = Database.open(dir);
    spot = newService();
  }

  private SpotVmService newService() {
    return new SpotVmService(() -> GceCompute.connect(gcp, FAST), gcp, new SpotStore(db), clock, tasks, "s-test1",
        FakeComputeServer.FAST_RETRY);
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
    assertThat(disk.path("autoDelete").asBoolean()).isTrue();
    assertThat(disk.path("initializeParams").path("sourceImage").asText())
        .isEqualTo("projects/debian-cloud/global/images/family/debian-12");
    assertThat(disk.path("initializeParams").path("diskSizeGb").asText()).isEqualTo(String.valueOf(gcp.diskSizeGb()));
    assertThat(disk.path("initializeParams").path("diskType").asText())
        .isEqualTo("zones/us-central1-a/diskTypes/" + gcp.diskType());
    JsonNode nic = body.path("networkInterfaces").get(0);
    assertThat(nic.path("network").asText()).isEqualTo(gcp.network());
    assertThat(nic.path("accessConfigs").get(0).path("type").asText()).isEqualTo("ONE_TO_ONE_NAT");
    JsonNode items = body.path("metadata").path("items");
    assertThat(items.get(0).path("key").asText()).isEqualTo("startup-script");
    assertThat(items.get(0).path("value").asText()).isEqualTo(bundledStartupScript());
    assertThat(items.get(1).path("key").asText()).isEqualTo("enable-guest-attributes"); // host keys for the tunnel
    assertThat(items.get(1).path("value").asText()).isEqualTo("TRUE");
    assertThat(items.get(2).path("key").asText()).isEqualTo("headroom-backend-port");
    assertThat(items.get(2).path("value").asText()).isEqualTo(String.valueOf(gcp.backendPort()));
  }

  private static String bundledStartupScript() throws Exception {
    try (var in = SpotVmService.class.getResourceAsStream("/startup-script.sh")) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  void runningVmHasItsExternalIpAndTimeline() throws Exception {
    SpotVm vm = create();
    assertThat(vm.externalIp()).startsWith("127.0.2.");
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
    assertThat(vm.lastMessage()).startsWith("Quota exceeded for e2-highmem-4 Spot VMs in region us-central1")
        .contains("Quota PREEMPTIBLE_CPUS is exhausted in us-central1 (limit 8)")
        .contains("Request more in the Google Cloud console").doesNotContain("gcloud auth");
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
  void runningVmThatDisappearsWithoutAPreemptionRecordIsPreemptedWhenNoticed() throws Exception {
    SpotVm vm = create();
    fake.expire(vm.zone(), vm.name()); // gone, and Compute Engine keeps no preemption operation for it
    clock.advance(Duration.ofMinutes(7));
    spot.refresh();
    SpotVm after = spot.vm(vm.name()).orElseThrow();
    assertThat(after.state()).isEqualTo(VmState.PREEMPTED);
    assertThat(after.lastMessage()).contains("disappeared without Headroom asking").contains("when Headroom noticed");
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
    List<VmEvent> timeline = spot.events(vm.name());
    spot.close();
    spot = newService();
    assertThat(spot.vm(vm.name())).contains(vm);
    assertThat(spot.events(vm.name())).isEqualTo(timeline).hasSizeGreaterThanOrEqualTo(3);
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

  @Test
  void stockoutWithDetailsInTheOperationFallsBackToTheNextZone() throws Exception {
    fake.operationErrorInZone.put("us-central1-a", "ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS");
    SpotVm vm = create();
    assertThat(vm.state()).isEqualTo(VmState.RUNNING);
    assertThat(vm.zone()).isEqualTo("us-central1-b");
    assertThat(spot.events(vm.name())).extracting(VmEvent::message)
        .anyMatch(m -> m.startsWith("us-central1-a: no Spot capacity") && m.contains("does not have enough resources"));
  }

  @Test
  void quotaErrorInTheOperationFallsBackToTheNextZone() throws Exception {
    fake.operationErrorInZone.put("us-central1-a", "QUOTA_EXCEEDED");
    SpotVm vm = create();
    assertThat(vm.state()).isEqualTo(VmState.RUNNING);
    assertThat(vm.zone()).isEqualTo("us-central1-b");
    assertThat(spot.events(vm.name())).extracting(VmEvent::message)
        .anyMatch(m -> m.startsWith("us-central1-a: quota exceeded") && m.contains("Quota 'CPUS' exceeded"));
  }

  @Test
  void stockoutInEveryZoneFailsNamingEachZone() throws Exception {
    fake.stockoutZones.addAll(gcp.zones());
    SpotVm vm = create();
    assertThat(vm.state()).isEqualTo(VmState.FAILED);
    assertThat(vm.lastMessage()).startsWith("No zone of us-central1 could create e2-highmem-4")
        .contains("us-central1-a: no Spot capacity; us-central1-b: no Spot capacity; us-central1-c: no Spot capacity");
    assertThat(spot.events(vm.name())).extracting(VmEvent::message)
        .filteredOn(m -> m.startsWith("Creating in ")).hasSize(3);
  }

  @Test
  void vmThatComesUpStagingTurnsRunningWhenPolled() throws Exception {
    fake.initialStatus = "STAGING";
    SpotVm vm = create();
    assertThat(vm.state()).isEqualTo(VmState.PROVISIONING);
    fake.setStatus(vm.zone(), vm.name(), "RUNNING");
    clock.advance(Duration.ofSeconds(30));
    spot.refresh();
    SpotVm after = spot.vm(vm.name()).orElseThrow();
    assertThat(after.state()).isEqualTo(VmState.RUNNING);
    assertThat(after.runningSince()).contains(clock.instant());
  }

  @Test
  void vmGoneAtItsMaxRunDurationIsDeletedNotPreempted() throws Exception {
    SpotVm vm = create();
    clock.advance(Duration.ofMinutes(gcp.maxRunDurationMinutes()).minusSeconds(30));
    fake.expire(vm.zone(), vm.name()); // Compute Engine deletes it by itself, a little before our estimate
    spot.refresh();
    SpotVm after = spot.vm(vm.name()).orElseThrow();
    assertThat(after.state()).isEqualTo(VmState.DELETED);
    assertThat(after.lastMessage()).contains("max run duration");
  }

  @Test
  void vmStillThereAfterItsMaxRunDurationIsTerminated() throws Exception {
    SpotVm vm = create();
    clock.advance(Duration.ofMinutes(gcp.maxRunDurationMinutes()).plus(SpotVmService.LIFETIME_GRACE));
    spot.refresh();
    awaitState(vm.name(), VmState.DELETED);
    assertThat(fake.exists(vm.zone(), vm.name())).isFalse();
    assertThat(spot.events(vm.name())).extracting(VmEvent::message)
        .anyMatch(m -> m.contains("reached its max run duration of 180 min"));
  }

  @Test
  void terminateWhileCreatingDeletesTheVmOnceItsInsertCompletes() throws Exception {
    fake.holdOperations = new CountDownLatch(1);
    var creation = spot.create("test");
    String name = spot.vms().get(0).name();
    awaitTrue(() -> fake.inserts.size() == 1);
    var termination = spot.terminate(name, "user changed their mind");
    assertThat(termination).isNotDone();
    fake.holdOperations.countDown();
    SpotVm done = termination.get(30, TimeUnit.SECONDS);
    assertThat(done.state()).isEqualTo(VmState.DELETED);
    assertThat(creation.get(30, TimeUnit.SECONDS).state()).isEqualTo(VmState.DELETED);
    assertThat(fake.exists(done.zone(), name)).isFalse();
    assertThat(spot.events(name)).extracting(VmEvent::message)
        .anyMatch(m -> m.startsWith("Terminate asked while creating (user changed their mind)"));
  }

  @Test
  void terminateAllStopsAVmStillBeingCreated() throws Exception {
    fake.holdOperations = new CountDownLatch(1);
    spot.create("test");
    awaitTrue(() -> fake.inserts.size() == 1);
    var all = spot.terminateAll("quit");
    fake.holdOperations.countDown();
    all.get(30, TimeUnit.SECONDS);
    assertThat(spot.vms()).extracting(SpotVm::state).containsOnly(VmState.DELETED);
    assertThat(spot.activeOrPending()).isZero();
  }

  @Test
  void listenersHearEveryTransition() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Runnable remove = spot.addListener(calls::incrementAndGet);
    SpotVm vm = create();
    int afterCreate = calls.get();
    assertThat(afterCreate).isGreaterThanOrEqualTo(spot.events(vm.name()).size());
    remove.run();
    spot.terminate(vm.name(), "test").get(30, TimeUnit.SECONDS);
    assertThat(calls.get()).isEqualTo(afterCreate);
  }

  @Test
  void missingCredentialsReportNotConnectedWithHowToConnect() throws Exception {
    String howTo = "Google Cloud is not connected: no Application Default Credentials were found. "
        + GceCompute.howToConnect();
    SpotVmService noAdc = new SpotVmService(() -> {
      throw new dev.headroom.core.AppException(howTo);
    }, gcp, new SpotStore(db), clock, tasks, "s");
    assertThat(noAdc.cloudStatus().state()).isEqualTo(CloudStatus.State.NOT_CHECKED);
    CountDownLatch told = new CountDownLatch(1);
    noAdc.addListener(told::countDown);
    noAdc.refresh();
    assertThat(told.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(noAdc.cloudStatus()).isEqualTo(new CloudStatus(CloudStatus.State.NOT_CONNECTED, howTo));
    assertThat(noAdc.notConnectedReason()).contains(howTo);
    assertThatThrownBy(() -> noAdc.create("x").get()).hasCauseInstanceOf(dev.headroom.core.AppException.class)
        .hasMessageContaining("gcloud auth application-default login");
    assertThat(noAdc.vms()).isEmpty(); // failing fast leaves no FAILED row behind
  }

  @Test
  void connectionIsRetriedAfterAMinute() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    SpotVmService later = new SpotVmService(() -> {
      if (attempts.incrementAndGet() == 1) {
        throw new dev.headroom.core.AppException("no credentials yet");
      }
      return GceCompute.connect(gcp, FAST);
    }, gcp, new SpotStore(db), clock, tasks, "s");
    later.refresh();
    later.refresh();
    assertThat(attempts.get()).isEqualTo(1);
    clock.advance(SpotVmService.RECONNECT_EVERY);
    later.refresh();
    assertThat(later.cloudStatus().connected()).isTrue();
    later.close();
  }

  @Test
  void connectedServiceReportsConnected() throws Exception {
    create();
    assertThat(spot.cloudStatus()).isEqualTo(CloudStatus.CONNECTED);
    assertThat(spot.notConnectedReason()).isEmpty();
  }

  @Test
  void reconcileAdoptsARunningOrphanWithItsShapeStartAndLimit() throws Exception {
    fake.seed("us-central1-a", "headroom-old-1", "RUNNING", Map.of("managed-by", "headroom",
        "headroom-session", "s-old"), "e2-standard-8", "2026-11-23T01:30:00.000-08:00");
    spot.reconcile();
    SpotVm adopted = spot.vm("headroom-old-1").orElseThrow();
    assertThat(adopted.machineType()).isEqualTo("e2-standard-8");
    assertThat(adopted.runningSince()).contains(Instant.parse("2026-11-23T09:30:00Z"));
    assertThat(adopted.uptime(clock.instant())).isEqualTo(Duration.ofMinutes(30));
    assertThat(adopted.sessionId()).isEqualTo("s-old");
    assertThat(spot.events("headroom-old-1")).extracting(VmEvent::message)
        .anyMatch(m -> m.startsWith("Adopted at start") && m.contains("s-old"));
  }

  @Test
  void reconcileFinishesADeleteThatWasInFlightWhenTheAppStopped() throws Exception {
    SpotVm vm = create();
    VmEvent asked = new VmEvent(clock.instant(), vm.name(), VmState.TERMINATING, "Terminating: quit");
    new SpotStore(db).save(vm.with(VmState.TERMINATING, asked.message()), asked); // the app died right here
    spot.close();
    spot = newService();
    spot.reconcile();
    assertThat(spot.vm(vm.name()).orElseThrow().state()).isEqualTo(VmState.DELETED);
    assertThat(fake.exists(vm.zone(), vm.name())).isFalse();
  }

  private void awaitState(String name, VmState state) throws InterruptedException {
    awaitTrue(() -> spot.vm(name).map(SpotVm::state).orElse(null) == state);
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("condition not met within 20 s");
      }
      Thread.sleep(5);
    }
  }
}
