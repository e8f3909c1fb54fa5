package dev.headroom.spot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.config.GcpSettings;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.MutableClock;
import dev.headroom.core.Tasks;
import dev.headroom.store.Database;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The lifecycle against what Compute Engine really answers (issue 9): both shapes of failed operations, 5xx and lost
 * answers, preemption times, hung endpoints. The real InstancesClient against the fake Compute server.
 */
class ComputeAnswersTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final Tasks cloud = ExecutorTasks.create("cloud-test", 2);
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
    spot = new SpotVmService(FakeComputeServer.client(gcp), gcp, new SpotStore(db), clock, cloud, "s-issue9",
        FakeComputeServer.FAST_RETRY);
  }

  @AfterEach
  void tearDown() {
    spot.close();
    cloud.close();
    db.close();
    fake.close();
  }

  private SpotVm create() throws Exception {
    return spot.create("test").get(30, TimeUnit.SECONDS);
  }

  private List<String> timeline(String name) {
    return spot.events(name).stream().map(VmEvent::message).toList();
  }

  @ParameterizedTest(name = "{0}, legacy shape {1}")
  @CsvSource({"ZONE_RESOURCE_POOL_EXHAUSTED, false", "ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS, false",
      "ZONE_RESOURCE_POOL_EXHAUSTED, true", "ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS, true"})
  void stockoutInsideTheOperationFallsBackToTheNextZoneInBothShapes(String code, boolean legacy) throws Exception {
    fake.legacyOperationErrors = legacy;
    fake.operationErrorInZone.put("us-central1-a", code);
    SpotVm vm = create();
    assertThat(vm.state()).isEqualTo(VmState.RUNNING);
    assertThat(vm.zone()).isEqualTo("us-central1-b");
    assertThat(timeline(vm.name())).anyMatch(m -> m.startsWith("us-central1-a: no Spot capacity")
        && m.contains(code + ":") && m.endsWith("trying the next zone"));
  }

  @ParameterizedTest(name = "legacy shape {0}")
  @CsvSource({"false", "true"})
  void quotaInsideTheOperationFallsBackAndNamesQuotaLimitRegionAndHowToAskForMore(boolean legacy)
      throws Exception {
    fake.legacyOperationErrors = legacy;
    gcp.zones().forEach(z -> fake.operationErrorInZone.put(z, "QUOTA_EXCEEDED"));
    SpotVm vm = create();
    assertThat(vm.state()).isEqualTo(VmState.FAILED);
    assertThat(fake.inserts).hasSize(3); // every zone tried
    assertThat(vm.lastMessage()).contains("Quota CPUS is exhausted in us-central1 (limit 8)")
        .contains("(compute.googleapis.com/cpus)")
        .contains("IAM & Admin > Quotas").contains("?project=test-project")
        .doesNotContain("gcloud auth application-default login");
    assertThat(timeline(vm.name())).filteredOn(m -> m.contains(": quota exceeded (")).hasSize(3);
  }

  @Test
  void aServerErrorOnInsertIsRetriedWithTheSameRequestId() throws Exception {
    fake.failInserts.set(2);
    SpotVm vm = create();
    assertThat(vm.state()).isEqualTo(VmState.RUNNING);
    assertThat(vm.zone()).isEqualTo("us-central1-a");
    assertThat(fake.insertRequestIds).hasSize(3).doesNotContain("");
    assertThat(fake.insertRequestIds).containsOnly(fake.insertRequestIds.get(0));
    assertThat(timeline(vm.name())).filteredOn(m -> m.contains("sending the same request (requestId "
        + fake.insertRequestIds.get(0) + ") again")).hasSize(2);
  }

  @Test
  void aLostInsertAnswerDoesNotCreateASecondInstanceAndTheVmIsTracked() throws Exception {
    fake.loseInsertResponses.set(1); // created, but the caller hears 503
    SpotVm vm = create();
    assertThat(vm.state()).isEqualTo(VmState.RUNNING);
    assertThat(fake.inserts).hasSize(2);
    assertThat(fake.insertRequestIds.get(1)).isEqualTo(fake.insertRequestIds.get(0));
    assertThat(spot.vms()).hasSize(1);
  }

  @Test
  void anInstanceCreatedDespiteAFailedAnswerIsTrackedWhenRetriesRunOut() throws Exception {
    spot.close();
    spot = new SpotVmService(FakeComputeServer.client(gcp), gcp, new SpotStore(db), clock, cloud, "s-issue9",
        new Retry(1, Duration.ZERO, Duration.ZERO, Retry.Sleeper.THREAD)); // no retry at all
    fake.loseInsertResponses.set(1); // created, but the only answer is 503
    SpotVm vm = create();
    assertThat(fake.exists("us-central1-a", vm.name())).isTrue();
    assertThat(vm.state()).isIn(VmState.RUNNING, VmState.PROVISIONING);
    assertThat(timeline(vm.name())).anyMatch(m -> m.startsWith("The create call failed (")
        && m.contains("exists in us-central1-a") && m.endsWith("tracking it"));
    assertThat(spot.activeOrPending()).isEqualTo(1);
  }

  private SpotVmService withPolling(GceCompute.Polling polling, Retry retry) {
    spot.close();
    return new SpotVmService(() -> GceCompute.connect(gcp, polling), gcp, new SpotStore(db), clock, cloud,
        "s-issue9", retry);
  }

  @Test
  void anInsertAnsweredAfterItsDeadlineIsSentAgainWithTheSameRequestId() throws Exception {
    spot = withPolling(new GceCompute.Polling(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(10),
        Duration.ofMillis(400)), FakeComputeServer.FAST_RETRY);
    fake.slowInserts.set(1);
    fake.slowInsertDelay = Duration.ofMillis(1500);
    SpotVm vm = create();
    assertThat(vm.state()).isEqualTo(VmState.RUNNING);
    assertThat(fake.insertRequestIds).hasSizeGreaterThanOrEqualTo(2);
    assertThat(fake.insertRequestIds).containsOnly(fake.insertRequestIds.get(0));
    assertThat(timeline(vm.name())).anyMatch(m -> m.contains("did not answer before the call deadline")
        && m.contains("sending the same request"));
    Thread.sleep(1600); // the slow first request is processed after all: still one instance
    assertThat(spot.poll()).isEmpty();
    assertThat(fake.exists("us-central1-a", vm.name())).isTrue();
    assertThat(spot.vms()).hasSize(1);
  }

  @Test
  void anInsertOperationStillRunningAtItsLimitIsFollowedNotFailed() throws Exception {
    spot = withPolling(new GceCompute.Polling(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(300),
        Duration.ofSeconds(2)), new Retry(2, Duration.ofMillis(10), Duration.ofMillis(10), Retry.Sleeper.THREAD));
    fake.holdOperations = new java.util.concurrent.CountDownLatch(1);
    SpotVm vm = create();
    assertThat(vm.state()).isEqualTo(VmState.PROVISIONING);
    assertThat(vm.lastMessage()).contains("did not finish the operation").contains("not known yet");
    assertThat(fake.inserts).hasSize(2); // the same request sent again, not another zone
    fake.holdOperations.countDown(); // Compute Engine finishes the insert after all
    assertThat(spot.poll()).isEmpty();
    assertThat(spot.vm(vm.name()).orElseThrow().state()).isEqualTo(VmState.RUNNING);
  }

  @Test
  void aVmWhoseInsertOutcomeIsUnknownFailsOnlyAfterTheGrace() throws Exception {
    spot = withPolling(new GceCompute.Polling(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(300),
        Duration.ofSeconds(2)), new Retry(1, Duration.ZERO, Duration.ZERO, Retry.Sleeper.THREAD));
    fake.holdOperations = new java.util.concurrent.CountDownLatch(1);
    SpotVm vm = create();
    assertThat(spot.poll()).isEmpty();
    assertThat(spot.vm(vm.name()).orElseThrow().state()).isEqualTo(VmState.PROVISIONING);
    clock.advance(LivePoller.PROVISIONING_GRACE);
    spot.poll();
    assertThat(spot.vm(vm.name()).orElseThrow().state()).isEqualTo(VmState.FAILED);
    fake.holdOperations.countDown();
  }

  @Test
  void aCreateIsMarkedFailedOnlyAfterAskingWhetherTheInstanceExists() throws Exception {
    fake.nextOperationError = "INVALID_FIELD_VALUE";
    SpotVm vm = create();
    assertThat(vm.state()).isEqualTo(VmState.FAILED);
    assertThat(fake.requests).contains("GET /compute/v1/projects/test-project/zones/us-central1-a/instances/"
        + vm.name());
  }

  @Test
  void deleteIsRetriedOnServerErrors() throws Exception {
    SpotVm vm = create();
    fake.failDeletes.set(2);
    SpotVm done = spot.terminate(vm.name(), "test").get(30, TimeUnit.SECONDS);
    assertThat(done.state()).isEqualTo(VmState.DELETED);
    assertThat(fake.exists(vm.zone(), vm.name())).isFalse();
    assertThat(timeline(vm.name())).filteredOn(m -> m.startsWith("Delete: ")).hasSize(2);
  }

  @Test
  void deletingAVmThatIsAlreadyGoneCountsAsDeleted() throws Exception {
    SpotVm vm = create();
    fake.expire(vm.zone(), vm.name());
    SpotVm done = spot.terminate(vm.name(), "test").get(30, TimeUnit.SECONDS);
    assertThat(done.state()).isEqualTo(VmState.DELETED);
  }

  @Test
  void preemptionEndsAtComputeEnginesPreemptedOperationNotWhenNoticed() throws Exception {
    SpotVm vm = create();
    clock.advance(Duration.ofSeconds(5));
    Instant preempted = clock.instant();
    fake.preempt(vm.zone(), vm.name(), preempted, false);
    clock.advance(Duration.ofSeconds(10));
    spot.refresh();
    SpotVm after = spot.vm(vm.name()).orElseThrow();
    assertThat(after.state()).isEqualTo(VmState.PREEMPTED);
    assertThat(after.endedAt()).contains(preempted);
    assertThat(after.uptime(clock.instant().plusSeconds(3600))).isEqualTo(Duration.ofSeconds(5));
    assertThat(after.lastMessage()).contains("compute.instances.preempted");
    assertThat(fake.requests).anyMatch(r -> r.endsWith("/zones/us-central1-a/operations"));
  }

  @Test
  void preemptionSeenHoursLaterStillEndsWhenItHappened() throws Exception {
    SpotVm vm = create();
    clock.advance(Duration.ofMinutes(20));
    Instant preempted = clock.instant();
    fake.preempt(vm.zone(), vm.name(), preempted, false);
    clock.advance(Duration.ofHours(2));
    assertThat(spot.poll()).isEmpty();
    assertThat(spot.vm(vm.name()).orElseThrow().uptime(clock.instant())).isEqualTo(Duration.ofMinutes(20));
  }

  @Test
  void aStoppedVmWithoutAPreemptionRecordEndsAtItsLastStopTimestamp() throws Exception {
    SpotVm vm = create();
    clock.advance(Duration.ofSeconds(42));
    fake.stopAt(vm.zone(), vm.name(), clock.instant());
    clock.advance(Duration.ofMinutes(5));
    spot.poll();
    SpotVm after = spot.vm(vm.name()).orElseThrow();
    assertThat(after.state()).isEqualTo(VmState.PREEMPTED);
    assertThat(after.uptime(clock.instant())).isEqualTo(Duration.ofSeconds(42));
    assertThat(after.lastMessage()).contains("lastStopTimestamp");
  }

  @Test
  void aReadOnlyPollShowsAPreemptedVmStillStoppingAsPreemptedAndDeletesNothing() throws Exception {
    SpotVm vm = create();
    clock.advance(Duration.ofSeconds(30));
    fake.preempt(vm.zone(), vm.name(), clock.instant(), true);
    assertThat(spot.poll()).isEmpty();
    assertThat(spot.vm(vm.name()).orElseThrow().state()).isEqualTo(VmState.PREEMPTED);
    assertThat(fake.requests).noneMatch(r -> r.startsWith("DELETE"));
    assertThat(fake.exists(vm.zone(), vm.name())).isTrue(); // GCE's own termination action removes it
  }

  @Test
  void aHungEndpointFailsACallAtItsDeadlineNotAfterTenMinutes() {
    fake.hang = Pattern.compile("GET .*/instances/hung-vm$");
    GceCompute.Polling short1 = new GceCompute.Polling(Duration.ofMillis(10), Duration.ofMillis(50),
        Duration.ofSeconds(5), Duration.ofMillis(500));
    try (GceCompute c = GceCompute.connect(gcp, short1)) {
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> c.get("us-central1-a", "hung-vm")).isInstanceOfSatisfying(ComputeException.class,
          e -> assertThat(e.kind()).isEqualTo(ComputeException.Kind.TRANSIENT));
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void slowButInTimeAnswersStillCreateAndDeleteOnce() throws Exception {
    fake.answerDelay = Duration.ofMillis(150);
    SpotVm vm = create();
    assertThat(vm.state()).isEqualTo(VmState.RUNNING);
    assertThat(spot.terminate(vm.name(), "test").get(30, TimeUnit.SECONDS).state()).isEqualTo(VmState.DELETED);
    assertThat(fake.inserts).hasSize(1);
    assertThat(fake.deletes).containsExactly(vm.name());
  }

  @Test
  void anUnreachableEndpointIsTransient() throws Exception {
    fake.close();
    try (GceCompute c = GceCompute.connect(gcp, FakeComputeServer.FAST_POLLING)) {
      assertThatThrownBy(() -> c.get("us-central1-a", "any")).isInstanceOfSatisfying(ComputeException.class,
          e -> assertThat(e.kind()).isEqualTo(ComputeException.Kind.TRANSIENT));
    }
  }
}
