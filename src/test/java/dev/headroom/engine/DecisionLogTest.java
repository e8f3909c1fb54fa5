package dev.headroom.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.engine.Decision.Action;
import dev.headroom.engine.Decision.Trigger;
import dev.headroom.store.Database;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecisionLogTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  @TempDir Path dir;

  private static Decision d(int s, Action a, String reason) {
    return new Decision(T0.plusSeconds(s), a, a == Action.NONE ? Trigger.NONE : Trigger.SUSTAINED, reason, reason);
  }

  @Test
  void repeatedVerdictsAreKeptOnce() {
    try (Database db = Database.open(dir)) {
      DecisionLog log = new DecisionLog(db);
      assertThat(log.record(d(0, Action.NONE, "NO_TRIGGER"))).isTrue();
      assertThat(log.record(d(1, Action.NONE, "NO_TRIGGER"))).isFalse();
      assertThat(log.record(d(2, Action.BLOCKED, "COOLDOWN"))).isTrue();
      assertThat(log.record(d(3, Action.BLOCKED, "COOLDOWN"))).isFalse();
      assertThat(log.record(d(4, Action.BLOCKED, "BUDGET"))).isTrue();
      assertThat(log.recent()).extracting(Decision::reason).containsExactly("NO_TRIGGER", "COOLDOWN", "BUDGET");
    }
  }

  @Test
  void everyCreateIsKept() {
    try (Database db = Database.open(dir)) {
      DecisionLog log = new DecisionLog(db);
      assertThat(log.record(d(0, Action.CREATE, "SUSTAINED"))).isTrue();
      assertThat(log.record(d(1, Action.CREATE, "SUSTAINED"))).isTrue();
    }
  }

  @Test
  void decisionsSurviveRestart() {
    try (Database db = Database.open(dir)) {
      DecisionLog log = new DecisionLog(db);
      log.record(d(0, Action.BLOCKED, "PRICE_UNKNOWN"));
      log.record(d(5, Action.CREATE, "PROJECTION"));
    }
    try (Database db = Database.open(dir)) {
      DecisionLog log = new DecisionLog(db);
      assertThat(log.recent()).extracting(Decision::reason).containsExactly("PRICE_UNKNOWN", "PROJECTION");
      assertThat(log.recent().get(1).time()).isEqualTo(T0.plusSeconds(5));
      assertThat(log.record(d(6, Action.BLOCKED, "PRICE_UNKNOWN"))).isTrue();
    }
  }
}
