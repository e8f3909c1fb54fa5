package dev.headroom.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.config.CostSettings;
import dev.headroom.config.NotificationSettings;
import dev.headroom.core.ExecutorTasks;
import dev.headroom.core.MutableClock;
import dev.headroom.core.Tasks;
import dev.headroom.cost.CostEngine;
import dev.headroom.cost.LlmUsage;
import dev.headroom.cost.PriceBook;
import dev.headroom.cost.PriceService;
import dev.headroom.engine.Decision;
import dev.headroom.memory.MemoryState;
import dev.headroom.memory.Pressure;
import dev.headroom.memory.ScriptedMemorySource;
import dev.headroom.notify.Notification.Kind;
import dev.headroom.spot.SpotVm;
import dev.headroom.spot.VmState;
import dev.headroom.store.Database;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotificationCenterTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final NotificationSettings ALL_ON = new NotificationSettings(true, true, true, true, true, 300);
  private final MutableClock clock = new MutableClock(T0);
  private final List<Notification> shown = new CopyOnWriteArrayList<>();
  private final ScriptedMemorySource source = new ScriptedMemorySource();

  private NotificationCenter center(NotificationSettings s) {
    return new NotificationCenter(s, shown::add, clock);
  }

  /** A reading at the clock's time after advancing it by {@code seconds}. */
  private MemoryState reading(int seconds, double used, Pressure p) {
    clock.advance(Duration.ofSeconds(seconds));
    source.setUsedPercent(used);
    return new MemoryState(source.sample(clock.instant()), p, Optional.empty(), 0);
  }

  private List<Kind> kinds() {
    return shown.stream().map(Notification::kind).toList();
  }

  @Test
  void pressureNotifiesHighThenCriticalOncePerEpisodeEvenWhenFlapping() {
    NotificationCenter n = center(ALL_ON);

    n.onMemory(reading(1, 50, Pressure.NORMAL));
    n.onMemory(reading(1, 87, Pressure.HIGH));
    n.onMemory(reading(1, 84, Pressure.NORMAL)); // flaps under the threshold for a few seconds
    n.onMemory(reading(5, 88, Pressure.HIGH));
    n.onMemory(reading(1, 96, Pressure.CRITICAL));
    n.onMemory(reading(1, 97, Pressure.CRITICAL));
    n.onMemory(reading(1, 90, Pressure.HIGH));

    assertThat(kinds()).containsExactly(Kind.PRESSURE_HIGH, Kind.PRESSURE_CRITICAL);
    assertThat(shown.get(0).body()).startsWith("87 % of memory used (13.9 of 16.0 GiB)");
    assertThat(shown.get(1).urgent()).isTrue();
  }

  @Test
  void aNewEpisodeAfterACalmMinuteNotifiesAgainOutsideTheThrottle() {
    NotificationCenter n = center(ALL_ON);
    n.onMemory(reading(1, 87, Pressure.HIGH));
    n.onMemory(reading(1, 50, Pressure.NORMAL));
    n.onMemory(reading(61, 50, Pressure.NORMAL)); // calm for a minute: the episode is over
    n.onMemory(reading(10, 88, Pressure.HIGH)); // but within 5 min of the last HIGH: throttled
    assertThat(kinds()).containsExactly(Kind.PRESSURE_HIGH);

    n.onMemory(reading(1, 50, Pressure.NORMAL));
    n.onMemory(reading(400, 50, Pressure.NORMAL));
    n.onMemory(reading(1, 89, Pressure.HIGH));
    assertThat(kinds()).containsExactly(Kind.PRESSURE_HIGH, Kind.PRESSURE_HIGH);
  }

  @Test
  void autoCreateNotifiesEachCreateAndABlockOncePerStreakWithItsReason() {
    NotificationCenter n = center(new NotificationSettings(true, true, true, true, true, 0));
    Decision blocked = new Decision(T0, Decision.Action.BLOCKED, Decision.Trigger.SUSTAINED, "COOLDOWN",
        "Blocked: cooldown, 3 min left of 5 min since the last create");

    n.onDecision(new Decision(T0, Decision.Action.BLOCKED, Decision.Trigger.SUSTAINED, "AUTO_CREATE_DISABLED",
        "Blocked: memory at 91 % for 20 s, but auto-create is off"));
    n.onDecision(blocked);
    n.onDecision(blocked);
    n.onDecision(blocked);
    n.onDecision(new Decision(T0, Decision.Action.BLOCKED, Decision.Trigger.SUSTAINED, "BUDGET",
        "Blocked: daily budget left $0.10 covers less than one hour"));
    n.onDecision(new Decision(T0, Decision.Action.CREATE, Decision.Trigger.SUSTAINED, "SUSTAINED",
        "Memory at 91 % for 20 s"));
    n.onDecision(new Decision(T0, Decision.Action.CREATE, Decision.Trigger.MANUAL, "MANUAL", "from the tray"));

    assertThat(kinds()).containsExactly(Kind.AUTO_BLOCKED, Kind.AUTO_BLOCKED, Kind.AUTO_CREATED);
    assertThat(shown.get(0).body()).contains("cooldown");
    assertThat(shown.get(1).body()).contains("budget");
  }

  @Test
  void aPreemptedVmIsNotifiedOnceAndOldPreemptionsNever() {
    NotificationCenter n = center(ALL_ON);
    SpotVm old = vm("headroom-old", VmState.PREEMPTED);
    SpotVm live = vm("headroom-a", VmState.RUNNING);

    n.onVms(List.of(old, live)); // at start: history, not news
    n.onVms(List.of(old, vm("headroom-a", VmState.PREEMPTED)));
    n.onVms(List.of(old, vm("headroom-a", VmState.PREEMPTED)));

    assertThat(kinds()).containsExactly(Kind.VM_PREEMPTED);
    assertThat(shown.get(0).body()).startsWith("headroom-a in us-central1-a was preempted");
  }

  @Test
  void aReapIsNotified() {
    NotificationCenter n = center(ALL_ON);
    n.onDecision(new Decision(T0, Decision.Action.TERMINATE, Decision.Trigger.NONE, "IDLE",
        "headroom-a idle for 30 min: deleting"));
    assertThat(kinds()).containsExactly(Kind.VM_REAPED);
  }

  @Test
  void settingsTurnKindsOrEverythingOff() {
    NotificationCenter quiet = center(new NotificationSettings(true, false, true, true, true, 0));
    quiet.onMemory(reading(1, 99, Pressure.CRITICAL));
    NotificationCenter off = center(new NotificationSettings(false, true, true, true, true, 0));
    off.onMemory(reading(1, 99, Pressure.CRITICAL));
    off.onDecision(new Decision(T0, Decision.Action.TERMINATE, Decision.Trigger.NONE, "IDLE", "reaped"));
    assertThat(shown).isEmpty();
  }

  @Test
  void oneCostTickCrossingFiftyNinetyAndHundredGivesOneNotificationToTheCent(@TempDir Path dir) {
    NotificationCenter n = center(ALL_ON);
    Tasks tasks = ExecutorTasks.create("notify-test", 1);
    try (Database db = Database.open(dir)) {
      CostEngine cost = new CostEngine(db, PriceBook.load(Optional.empty()),
          new PriceService(Optional.empty(), db, clock, 0, "pd-balanced"), "us-central1",
          new CostSettings(new BigDecimal("10.00"), new BigDecimal("200"), "", ""), List::of, clock, ZoneOffset.UTC,
          tasks, n::onBudgetCrossed);
      cost.subscribe(n::onCost);
      // gpt-4o output at $10 per million tokens: 1,037,625 tokens = $10.37625, 103.8 % of $10 in one tick.
      cost.record(new LlmUsage(T0, "openai", "gpt-4o", 0, 0, 1_037_625, 0, "openai"));
      cost.tick();
      cost.tick(); // the crossings of a tick are notified at the next one
      cost.tick();
      cost.close();
    } finally {
      tasks.close();
    }

    assertThat(shown).hasSize(1);
    Notification budget = shown.get(0);
    assertThat(budget.kind()).isEqualTo(Kind.BUDGET);
    assertThat(budget.title()).isEqualTo("Daily budget exceeded");
    assertThat(budget.body()).isEqualTo("$10.38 of $10.00 spent (103.8 %).");
    assertThat(budget.urgent()).isTrue();
  }

  private SpotVm vm(String name, VmState state) {
    return new SpotVm(name, "us-central1-a", "e2-highmem-4", state, "", T0, Optional.of(T0),
        state.ended() ? Optional.of(T0.plusSeconds(600)) : Optional.empty(), Duration.ofHours(3), "s-1", "");
  }

  @Test
  void aCostSpikeIsNotifiedWithItsMessageUnlessBudgetNotificationsAreOff() {
    center(ALL_ON).onCostSpike("Vertex AI +$3.50 in the hour from 04:00 (7-day mean $0.10/h)");
    center(new NotificationSettings(true, true, true, true, false, 300)).onCostSpike("Cloud Run +$9.00");

    assertThat(shown).hasSize(1);
    assertThat(shown.get(0).kind()).isEqualTo(Kind.BUDGET);
    assertThat(shown.get(0).title()).isEqualTo("GCP cost spike");
    assertThat(shown.get(0).body()).isEqualTo("Vertex AI +$3.50 in the hour from 04:00 (7-day mean $0.10/h)");
  }
}
