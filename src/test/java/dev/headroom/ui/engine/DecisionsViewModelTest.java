package dev.headroom.ui.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.engine.Decision;
import dev.headroom.engine.DecisionLog;
import dev.headroom.store.Database;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plain JUnit: the view model runs without JavaFX started (same-thread executor). */
class DecisionsViewModelTest {
  @TempDir Path dir;

  @Test
  void showsStoredDecisionsNewestFirstAndFollowsNewOnes() {
    try (Database db = Database.open(dir)) {
      DecisionLog log = new DecisionLog(db);
      Instant t = Instant.parse("2026-11-23T10:00:00Z");
      log.record(new Decision(t, Decision.Action.BLOCKED, Decision.Trigger.SUSTAINED, "COOLDOWN", "cooldown"));
      DecisionsViewModel vm = new DecisionsViewModel(log, Runnable::run);
      vm.activate();
      log.record(new Decision(t.plusSeconds(1), Decision.Action.CREATE, Decision.Trigger.SUSTAINED, "SUSTAINED", "go"));
      assertThat(vm.rows()).extracting(Decision::reason).containsExactly("SUSTAINED", "COOLDOWN");
      vm.deactivate();
      log.record(new Decision(t.plusSeconds(2), Decision.Action.BLOCKED, Decision.Trigger.SUSTAINED, "BUDGET", "b"));
      assertThat(vm.rows()).hasSize(2);
    }
  }
}
