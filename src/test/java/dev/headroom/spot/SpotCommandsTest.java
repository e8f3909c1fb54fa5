package dev.headroom.spot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.config.GcpSettings;
import dev.headroom.config.SettingsLoader;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.MutableClock;
import dev.headroom.core.Tasks;
import dev.headroom.store.Database;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vm verbs on the real client against the fake Compute server. */
class SpotCommandsTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final Tasks tasks = ExecutorTasks.create("spot-cli-test", 2);
  private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
  private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
  private FakeComputeServer fake;
  private GcpSettings gcp;
  private Database db;
  private SpotVmService spot;
  private SpotCommands cli;

  @BeforeEach
  void setUp() throws Exception {
    fake = new FakeComputeServer();
    fake.now = clock::instant;
    gcp = fake.settings(List.of("us-central1-a", "us-central1-b"));
    db = Database.open(dir);
    spot = new SpotVmService(FakeComputeServer.client(gcp), gcp, new SpotStore(db), clock, tasks, "cli-test",
        FakeComputeServer.FAST_RETRY);
    cli = new SpotCommands(spot, clock, Duration.ofSeconds(30), Duration.ofMillis(20));
  }

  @AfterEach
  void tearDown() {
    spot.close();
    tasks.close();
    db.close();
    fake.close();
  }

  private String out() {
    return outBytes.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void createPrintsTheRunningVmAndExitsZero() {
    assertThat(cli.run(List.of("create"), out, err)).isEqualTo(SpotCommands.OK);
    SpotVm vm = spot.vms().get(0);
    assertThat(out()).contains(vm.name() + " RUNNING in us-central1-a at " + vm.externalIp());
  }

  @Test
  void createThatFailsInEveryZoneExitsOneWithTheReason() {
    fake.quotaZones.addAll(gcp.zones());
    assertThat(cli.run(List.of("create"), out, err)).isEqualTo(SpotCommands.FAILED);
    assertThat(err()).contains("FAILED: Quota exceeded for e2-highmem-4 Spot VMs in region us-central1");
  }

  @Test
  void listShowsEachVmWithUptimeAndTimeLeft() {
    cli.run(List.of("create"), out, err);
    clock.advance(Duration.ofMinutes(30));
    outBytes.reset();
    assertThat(cli.run(List.of("list"), out, err)).isEqualTo(SpotCommands.OK);
    String name = spot.vms().get(0).name();
    assertThat(out()).startsWith("NAME").contains(name).contains("RUNNING").contains("0:30:00").contains("2:30:00");
  }

  @Test
  void listJsonIsMachineReadable() throws Exception {
    cli.run(List.of("create"), out, err);
    clock.advance(Duration.ofMinutes(30));
    outBytes.reset();
    assertThat(cli.run(List.of("list", "--json"), out, err)).isEqualTo(SpotCommands.OK);
    JsonNode vm = new ObjectMapper().readTree(out()).get(0);
    assertThat(vm.path("state").asText()).isEqualTo("RUNNING");
    assertThat(vm.path("zone").asText()).isEqualTo("us-central1-a");
    assertThat(vm.path("machineType").asText()).isEqualTo("e2-highmem-4");
    assertThat(vm.path("uptimeSeconds").asLong()).isEqualTo(1800);
    assertThat(vm.path("timeLeftSeconds").asLong()).isEqualTo(9000);
    assertThat(vm.path("endedAt").isNull()).isTrue();
  }

  @Test
  void listSeesAPreemptionWithoutDeletingAnything() {
    cli.run(List.of("create"), out, err);
    SpotVm vm = spot.vms().get(0);
    fake.preempt(vm.zone(), vm.name());
    fake.seed("us-central1-b", "headroom-other-session", "STAGING", Map.of("managed-by", "headroom"));
    outBytes.reset();
    cli.run(List.of("list"), out, err);
    assertThat(out()).contains("PREEMPTED");
    assertThat(fake.exists("us-central1-b", "headroom-other-session")).isTrue();
  }

  @Test
  void terminateByNameDeletesTheVm() {
    cli.run(List.of("create"), out, err);
    SpotVm vm = spot.vms().get(0);
    assertThat(cli.run(List.of("terminate", vm.name()), out, err)).isEqualTo(SpotCommands.OK);
    assertThat(out()).contains(vm.name() + " DELETED");
    assertThat(fake.exists(vm.zone(), vm.name())).isFalse();
  }

  @Test
  void terminateByNameLeavesEveryOtherVmAlone() {
    cli.run(List.of("create"), out, err);
    cli.run(List.of("create"), out, err);
    SpotVm keep = spot.vms().get(0);
    SpotVm gone = spot.vms().get(1);
    assertThat(cli.run(List.of("terminate", gone.name()), out, err)).isEqualTo(SpotCommands.OK);
    assertThat(fake.deletes).containsExactly(gone.name());
    assertThat(fake.exists(keep.zone(), keep.name())).isTrue();
    assertThat(spot.vm(keep.name()).orElseThrow().state()).isEqualTo(VmState.RUNNING);
  }

  @Test
  void terminateAllDeletesEveryActiveVm() {
    cli.run(List.of("create"), out, err);
    cli.run(List.of("create"), out, err);
    assertThat(cli.run(List.of("terminate", "--all"), out, err)).isEqualTo(SpotCommands.OK);
    assertThat(out()).contains("Terminated 2 VMs.");
    assertThat(spot.vms()).extracting(SpotVm::state).containsOnly(VmState.DELETED);
  }

  @Test
  void terminateOfAnUnknownNameTouchesNothing() {
    fake.seed("us-central1-a", "headroom-stale", "TERMINATED", Map.of("managed-by", "headroom"));
    fake.seed("us-central1-b", "headroom-other-session", "RUNNING", Map.of("managed-by", "headroom",
        "headroom-session", "s-other"));
    assertThat(cli.run(List.of("terminate", "headroom-typo"), out, err)).isEqualTo(SpotCommands.NO_SUCH_VM);
    assertThat(err()).contains("no VM named headroom-typo is managed by Headroom; nothing was changed");
    assertThat(fake.requests).noneMatch(r -> r.startsWith("DELETE"));
    assertThat(fake.exists("us-central1-a", "headroom-stale")).isTrue();
    assertThat(spot.vms()).isEmpty(); // nothing adopted
  }

  @Test
  void createWaitsForRunningWhenTheInstanceIsStillStagingAfterItsOperation() {
    fake.stagingGets.put("us-central1-a", 3);
    assertThat(cli.run(List.of("create"), out, err)).isEqualTo(SpotCommands.OK);
    SpotVm vm = spot.vms().get(0);
    assertThat(vm.state()).isEqualTo(VmState.RUNNING);
    String[] lines = out().strip().split("\\R");
    assertThat(lines[lines.length - 1]).isEqualTo(vm.name() + " RUNNING in us-central1-a at " + vm.externalIp());
    assertThat(out()).contains("Creating in us-central1-a").contains("status STAGING");
  }

  @Test
  void createPrintsEachZoneTriedAndWhy() {
    fake.operationErrorInZone.put("us-central1-a", "ZONE_RESOURCE_POOL_EXHAUSTED");
    assertThat(cli.run(List.of("create"), out, err)).isEqualTo(SpotCommands.OK);
    assertThat(out()).contains("Creating in us-central1-a").contains("us-central1-a: no Spot capacity")
        .contains("Creating in us-central1-b").contains(" RUNNING in us-central1-b at ");
  }

  @Test
  void createGivesUpAtItsTimeoutWithExitFourAndKeepsTheVmTracked() {
    fake.stagingGets.put("us-central1-a", 1_000_000);
    assertThat(cli.run(List.of("create", "--timeout", "1s"), out, err)).isEqualTo(SpotCommands.TIMED_OUT);
    SpotVm vm = spot.vms().get(0);
    assertThat(err()).contains(vm.name() + " is still PROVISIONING in us-central1-a after 1 s")
        .contains("vm terminate " + vm.name());
    assertThat(vm.state()).isEqualTo(VmState.PROVISIONING);
  }

  @Test
  void createTimeoutsAreReadInSecondsMinutesOrIso() {
    assertThat(SpotCommands.createTimeout(List.of())).contains(Duration.ofMinutes(5));
    assertThat(SpotCommands.createTimeout(List.of("--timeout", "90s"))).contains(Duration.ofSeconds(90));
    assertThat(SpotCommands.createTimeout(List.of("--timeout=10m"))).contains(Duration.ofMinutes(10));
    assertThat(SpotCommands.createTimeout(List.of("--timeout", "PT2M"))).contains(Duration.ofMinutes(2));
    assertThat(SpotCommands.createTimeout(List.of("--timeout", "soon"))).isEmpty();
    assertThat(SpotCommands.createTimeout(List.of("--timeout", "0"))).isEmpty();
    assertThat(cli.run(List.of("create", "--timeout"), out, err)).isEqualTo(SpotCommands.USAGE);
  }

  @Test
  void listIsReadOnlyAndShowsAPreemptedVmStillStoppingAsPreempted() {
    cli.run(List.of("create"), out, err);
    SpotVm vm = spot.vms().get(0);
    clock.advance(Duration.ofMinutes(3));
    fake.preempt(vm.zone(), vm.name(), clock.instant(), true);
    clock.advance(Duration.ofMinutes(1));
    outBytes.reset();
    assertThat(cli.run(List.of("list"), out, err)).isEqualTo(SpotCommands.OK);
    assertThat(out()).contains("PREEMPTED").contains("0:03:00");
    assertThat(fake.requests).noneMatch(r -> r.startsWith("DELETE"));
  }

  @Test
  void listWithComputeEngineUnreachableExitsFiveAndShowsStoredRowsAsLastKnown() {
    cli.run(List.of("create"), out, err);
    fake.close();
    clock.advance(Duration.ofMinutes(20));
    outBytes.reset();
    assertThat(cli.run(List.of("list"), out, err)).isEqualTo(SpotCommands.UNREACHABLE);
    assertThat(err()).contains("Compute Engine could not be reached").contains("last known");
    assertThat(out()).contains("LAST KNOWN").contains("RUNNING").contains("20 min ago");
  }

  @Test
  void listJsonKeepsTheStableFieldsAndDeletedVms() throws Exception {
    cli.run(List.of("create"), out, err);
    String first = spot.vms().get(0).name();
    cli.run(List.of("terminate", first), out, err);
    cli.run(List.of("create"), out, err);
    outBytes.reset();
    assertThat(cli.run(List.of("list", "--json"), out, err)).isEqualTo(SpotCommands.OK);
    JsonNode arr = new ObjectMapper().readTree(out());
    assertThat(arr.isArray()).isTrue();
    assertThat(arr).hasSize(2);
    for (JsonNode vm : arr) {
      for (String field : List.of("name", "zone", "machineType", "state", "externalIp", "lastMessage")) {
        assertThat(vm.has(field)).as(field).isTrue();
      }
    }
    assertThat(arr.get(0).path("name").asText()).isEqualTo(first);
    assertThat(arr.get(0).path("state").asText()).isEqualTo("DELETED");
    assertThat(arr.get(1).path("state").asText()).isEqualTo("RUNNING");
  }

  @Test
  void showPrintsTheVmAndItsTimeline() throws Exception {
    fake.operationErrorInZone.put("us-central1-a", "ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS");
    cli.run(List.of("create"), out, err);
    String name = spot.vms().get(0).name();
    outBytes.reset();
    assertThat(cli.run(List.of("show", name), out, err)).isEqualTo(SpotCommands.OK);
    assertThat(out()).startsWith(name + "  RUNNING").contains("Timeline (UTC):")
        .contains("us-central1-a: no Spot capacity").contains("Running in us-central1-b");
    outBytes.reset();
    assertThat(cli.run(List.of("show", name, "--json"), out, err)).isEqualTo(SpotCommands.OK);
    JsonNode vm = new ObjectMapper().readTree(out());
    assertThat(vm.path("state").asText()).isEqualTo("RUNNING");
    assertThat(vm.path("events").get(0).path("state").asText()).isEqualTo("REQUESTED");
    assertThat(cli.run(List.of("show", "nope"), out, err)).isEqualTo(SpotCommands.NO_SUCH_VM);
  }

  @Test
  void withoutAProjectCreateExitsThreeWithHowToConnect() {
    GcpSettings none = new SettingsLoader().defaults().gcp();
    SpotVmService offline = new SpotVmService(() -> GceCompute.connect(none, GceCompute.Polling.DEFAULT), none,
        new SpotStore(db), clock, tasks, "x");
    SpotCommands offlineCli = new SpotCommands(offline, clock, Duration.ofSeconds(5));
    assertThat(offlineCli.run(List.of("create"), out, err)).isEqualTo(SpotCommands.NOT_CONNECTED);
    assertThat(err()).contains("gcloud auth application-default login").contains("gcp.project");
  }

  @Test
  void withoutCredentialsFoundOnFirstUseCreateExitsThree() {
    String howTo = "Google Cloud is not connected: no Application Default Credentials were found. "
        + GceCompute.howToConnect();
    SpotVmService noAdc = new SpotVmService(() -> {
      throw new dev.headroom.core.AppException(howTo);
    }, gcp, new SpotStore(db), clock, tasks, "x");
    SpotCommands noAdcCli = new SpotCommands(noAdc, clock, Duration.ofSeconds(5), Duration.ofMillis(20));
    assertThat(noAdcCli.run(List.of("create"), out, err)).isEqualTo(SpotCommands.NOT_CONNECTED);
    assertThat(err()).contains("gcloud auth application-default login");
    assertThat(noAdcCli.run(List.of("list"), out, err)).isEqualTo(SpotCommands.NOT_CONNECTED);
  }

  @Test
  void unknownVerbOrMissingNameIsAUsageError() {
    assertThat(cli.run(List.of("reboot"), out, err)).isEqualTo(SpotCommands.USAGE);
    assertThat(cli.run(List.of("terminate"), out, err)).isEqualTo(SpotCommands.USAGE);
    assertThat(err()).contains(SpotCommands.USAGE_TEXT);
  }
}
