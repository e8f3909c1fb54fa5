package dev.headroom.ui.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.engine.Decision;
import dev.headroom.engine.Decision.Action;
import dev.headroom.engine.Decision.Trigger;
import dev.headroom.engine.DecisionLog;
import dev.headroom.store.Database;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One pressure episode is one row with its duration, not one row per verdict. */
class EpisodesTest {
  private static final Instant T = Instant.parse("2026-11-23T10:00:00Z");
  @TempDir Path dir;

  private static Decision d(int s, Action a, String reason) {
    return new Decision(T.plusSeconds(s), a, a == Action.NONE ? Trigger.NONE : Trigger.SUSTAINED, reason, reason);
  }

  @Test
  void anEpisodeRunsFromTheFirstTriggerToTheNextNothingToDo() {
    List<Episodes.Row> rows = Episodes.fold(List.of(
        d(0, Action.NONE, "NO_TRIGGER"),
        d(20, Action.BLOCKED, "AUTO_CREATE_DISABLED"),
        d(21, Action.BLOCKED, "COOLDOWN"),
        d(22, Action.BLOCKED, "AUTO_CREATE_DISABLED"),
        d(95, Action.NONE, "NO_TRIGGER"),
        d(100, Action.BLOCKED, "BUDGET"),
        d(101, Action.CREATE, "SUSTAINED"),
        d(130, Action.BLOCKED, "MAX_CONCURRENT")));
    assertThat(rows).hasSize(2);
    Episodes.Row open = rows.get(0); // newest first, still going
    assertThat(open.action()).isEqualTo(Action.CREATE);
    assertThat(open.end()).isEmpty();
    assertThat(open.decisions()).isEqualTo(3);
    assertThat(open.duration(T.plusSeconds(160))).isEqualTo(Duration.ofSeconds(60));
    Episodes.Row first = rows.get(1);
    assertThat(first.action()).isEqualTo(Action.BLOCKED);
    assertThat(first.reason()).isEqualTo("AUTO_CREATE_DISABLED");
    assertThat(first.reasons()).containsExactlyInAnyOrder("AUTO_CREATE_DISABLED", "COOLDOWN");
    assertThat(first.duration(T)).isEqualTo(Duration.ofSeconds(75));
  }

  @Test
  void reaperDeletesAreRowsOfTheirOwn() {
    List<Episodes.Row> rows = Episodes.fold(List.of(d(0, Action.TERMINATE, "REAP_IDLE")));
    assertThat(rows).singleElement().extracting(Episodes.Row::action).isEqualTo(Action.TERMINATE);
  }

  @Test
  void theFilterMatchesWordsAndCodesAndTheModeSwitches() {
    try (Database db = Database.open(dir)) {
      DecisionLog log = new DecisionLog(db);
      log.record(d(0, Action.BLOCKED, "BUDGET"));
      log.record(d(5, Action.NONE, "NO_TRIGGER"));
      log.record(d(9, Action.BLOCKED, "COOLDOWN"));
      DecisionsViewModel vm = new DecisionsViewModel(log, Runnable::run);
      vm.activate();
      assertThat(vm.shown()).hasSize(2);
      vm.filterProperty().set("budget too");  // the words
      assertThat(vm.shown()).singleElement().extracting(Episodes.Row::reason).isEqualTo("BUDGET");
      vm.filterProperty().set("cooldown");    // the code
      assertThat(vm.shown()).singleElement().extracting(Episodes.Row::reason).isEqualTo("COOLDOWN");
      vm.filterProperty().set("");
      vm.episodesProperty().set(false);
      assertThat(vm.shown()).hasSize(3);
      vm.deactivate();
    }
  }
}
