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
    spot = new SpotVmService(FakeComputeServer.client(gcp), gcp, new SpotStore(db), clock, tasks, "cli-test");
    cli = new SpotCommands(spot, clock, Duration.ofSeconds(30));
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
  void terminateAllDeletesEveryActiveVm() {
    cli.run(List.of("create"), out, err);
    cli.run(List.of("create"), out, err);
    assertThat(cli.run(List.of("terminate", "--all"), out, err)).isEqualTo(SpotCommands.OK);
    assertThat(out()).contains("Terminated 2 VMs.");
    assertThat(spot.vms()).extracting(SpotVm::state).containsOnly(VmState.DELETED);
  }

  @Test
  void terminateOfAnUnknownNameExitsOne() {
    assertThat(cli.run(List.of("terminate", "nope"), out, err)).isEqualTo(SpotCommands.FAILED);
    assertThat(err()).contains("No VM named nope is managed by Headroom");
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
  void unknownVerbOrMissingNameIsAUsageError() {
    assertThat(cli.run(List.of("reboot"), out, err)).isEqualTo(SpotCommands.USAGE);
    assertThat(cli.run(List.of("terminate"), out, err)).isEqualTo(SpotCommands.USAGE);
    assertThat(err()).contains(SpotCommands.USAGE_TEXT);
  }
}
