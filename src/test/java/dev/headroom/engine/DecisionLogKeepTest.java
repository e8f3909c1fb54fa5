package dev.headroom.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.store.Database;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which decisions are kept, how many are held and reloaded, listeners, and the stored message's limit. */
class DecisionLogKeepTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  @TempDir Path dir;
  private Database db;
  private DecisionLog log;

  @BeforeEach
  void open() {
    db = Database.open(dir);
    log = new DecisionLog(db);
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static Decision d(int second, Decision.Action action, String reason, String message) {
    return new Decision(T0.plusSeconds(second), action, Decision.Trigger.NONE, reason, message);
  }

  @Test
  void aDecisionIsKeptWhenItsVerdictOrReasonChanges() {
    assertThat(log.record(d(0, Decision.Action.NONE, "NO_TRIGGER", "a"))).isTrue();
    assertThat(log.record(d(1, Decision.Action.NONE, "NO_TRIGGER", "b"))).isFalse();
    assertThat(log.record(d(2, Decision.Action.BLOCKED, "NO_TRIGGER", "c"))).isTrue();
    assertThat(log.record(d(3, Decision.Action.BLOCKED, "COOLDOWN", "d"))).isTrue();
    assertThat(log.record(d(4, Decision.Action.TERMINATE, "REAP_IDLE", "e"))).isTrue();
    assertThat(log.record(d(5, Decision.Action.TERMINATE, "REAP_IDLE", "f"))).as("every terminate").isTrue();

    assertThat(log.recent()).extracting(Decision::message).containsExactly("a", "c", "d", "e", "f");
  }

  @Test
  void listenersHearKeptDecisionsOnlyUntilRemoved() {
    List<String> heard = new ArrayList<>();
    Runnable remove = log.addListener(x -> heard.add(x.message()));

    log.record(d(0, Decision.Action.NONE, "NO_TRIGGER", "a"));
    log.record(d(1, Decision.Action.NONE, "NO_TRIGGER", "b"));
    remove.run();
    log.record(d(2, Decision.Action.BLOCKED, "BUDGET", "c"));

    assertThat(heard).containsExactly("a");
  }

  @Test
  void theLast200AreHeldAndReloaded() {
    for (int i = 0; i < DecisionLog.KEEP + 1; i++) {
      log.record(d(i, Decision.Action.CREATE, "SUSTAINED", "m" + i));
    }

    assertThat(log.recent()).hasSize(200);
    assertThat(log.recent().get(0).message()).isEqualTo("m1");
    List<Decision> reloaded = new DecisionLog(db).recent();
    assertThat(reloaded).hasSize(200);
    assertThat(reloaded.get(0)).isEqualTo(d(1, Decision.Action.CREATE, "SUSTAINED", "m1"));
    assertThat(reloaded.get(199).message()).isEqualTo("m200");
  }

  @Test
  void aLongMessageIsStoredCutToTheColumnAndKeptWholeInMemory() {
    String exact = "x".repeat(1000);
    String longer = "y".repeat(1001);
    log.record(d(0, Decision.Action.CREATE, "SUSTAINED", exact));
    log.record(d(1, Decision.Action.CREATE, "SUSTAINED", longer));

    assertThat(log.recent().get(1).message()).hasSize(1001);
    List<Decision> reloaded = new DecisionLog(db).recent();
    assertThat(reloaded.get(0).message()).isEqualTo(exact);
    assertThat(reloaded.get(1).message()).isEqualTo("y".repeat(1000));
  }

  @Test
  void afterAReloadTheLastDecisionStillSuppressesARepeat() {
    log.record(d(0, Decision.Action.BLOCKED, "BUDGET", "a"));

    DecisionLog again = new DecisionLog(db);

    assertThat(again.record(d(1, Decision.Action.BLOCKED, "BUDGET", "b"))).isFalse();
  }
}
