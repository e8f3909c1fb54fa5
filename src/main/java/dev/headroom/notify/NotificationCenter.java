package dev.headroom.notify;

import dev.headroom.config.NotificationSettings;
import dev.headroom.cost.CostSnapshot;
import dev.headroom.engine.Decision;
import dev.headroom.memory.MemoryState;
import dev.headroom.memory.Pressure;
import dev.headroom.notify.Notification.Kind;
import dev.headroom.spot.SpotVm;
import dev.headroom.spot.VmState;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what happens in the engine into desktop notifications, each once per episode and throttled:
 * <ul>
 *   <li>pressure: HIGH, then CRITICAL, once each per spell of pressure; the spell ends after
 *       {@link #CALM} of NORMAL readings (so flapping around the threshold does not repeat it);</li>
 *   <li>auto-create: every VM it creates; a block once per streak of blocks and reason (not "auto-create is off",
 *       which the user chose);</li>
 *   <li>a VM preempted (once per VM) or reaped (each reap);</li>
 *   <li>budgets: the crossings one cost tick reports (50, 90 and 100 % can come together) become one notification
 *       for the highest level, with amounts to the cent.</li>
 * </ul>
 * Besides, one kind never shows twice within {@code notifications.minIntervalSeconds}. Feed it from the engine's
 * listeners; it calls the {@link Notifier} on the feeding thread.
 *
 * <pre>{@code
 * NotificationCenter n = new NotificationCenter(settings.notifications(), notifier, clock);
 * memory.addListener(n::onMemory);  decisions.addListener(n::onDecision);
 * spot.addListener(() -> n.onVms(spot.vms()));  app.onBudgetAlert(n::onBudgetCrossed);  cost.subscribe(n::onCost);
 * }</pre>
 */
public final class NotificationCenter {
  private static final Logger LOG = LoggerFactory.getLogger(NotificationCenter.class);
  /** How long memory must stay NORMAL before a new HIGH is a new episode. */
  public static final Duration CALM = Duration.ofSeconds(60);
  static final String AUTO_CREATE_OFF = "AUTO_CREATE_DISABLED";

  private volatile NotificationSettings settings;
  private final Notifier notifier;
  private final Clock clock;
  private final Map<Kind, Instant> lastShown = new EnumMap<>(Kind.class);
  private Pressure episodeLevel = Pressure.NORMAL;
  private Instant calmSince;
  private String blockedReason;
  private final Set<String> preemptedSeen = new HashSet<>();
  private boolean vmsPrimed;
  private final Map<String, Pending> pendingBudget = new LinkedHashMap<>();

  private record Pending(int percent, CostSnapshot.Budget budget) {}

  public NotificationCenter(NotificationSettings settings, Notifier notifier, Clock clock) {
    this.settings = settings;
    this.notifier = notifier;
    this.clock = clock;
  }

  /** New notification switches (Preferences apply them live). */
  public void updateSettings(NotificationSettings s) {
    this.settings = s;
  }

  /** A memory reading. */
  public synchronized void onMemory(MemoryState state) {
    Pressure p = state.pressure();
    Instant now = state.sample().time();
    if (p == Pressure.NORMAL) {
      if (calmSince == null) {
        calmSince = now;
      }
      if (episodeLevel != Pressure.NORMAL && !now.isBefore(calmSince.plus(CALM))) {
        episodeLevel = Pressure.NORMAL;
      }
      return;
    }
    calmSince = null;
    if (p.ordinal() <= episodeLevel.ordinal()) {
      return;
    }
    episodeLevel = p;
    if (!settings.pressure()) {
      return;
    }
    String used = String.format(Locale.ROOT, "%.0f %% of memory used (%s of %s GiB)", state.sample().usedPercent(),
        gib(state.sample().usedBytes()), gib(state.sample().totalBytes()));
    if (p == Pressure.CRITICAL) {
      show(new Notification(Kind.PRESSURE_CRITICAL, "Memory critical", used + ". Close something, or move work "
          + "to a Spot VM.", true));
    } else {
      show(new Notification(Kind.PRESSURE_HIGH, "Memory pressure high", used + ".", false));
    }
  }

  /** An auto-create decision (or a reap) the engine recorded. */
  public synchronized void onDecision(Decision d) {
    switch (d.action()) {
      case CREATE -> {
        blockedReason = null;
        if (d.trigger() != Decision.Trigger.MANUAL && settings.autoCreate()) {
          show(new Notification(Kind.AUTO_CREATED, "Creating a Spot VM", d.message(), false));
        }
      }
      case BLOCKED -> {
        // Auto-create switched off is the user's choice, not news.
        if (d.reason().equals(blockedReason) || d.reason().equals(AUTO_CREATE_OFF)) {
          return;
        }
        blockedReason = d.reason();
        if (settings.autoCreate()) {
          show(new Notification(Kind.AUTO_BLOCKED, "Auto-create blocked", d.message(), false));
        }
      }
      case TERMINATE -> {
        if (settings.vmEvents()) {
          show(new Notification(Kind.VM_REAPED, "Spot VM reaped", d.message(), false));
        }
      }
      case NONE -> blockedReason = null;
    }
  }

  /**
   * The managed VMs after a change. The first call only learns which VMs were already preempted (history is not
   * news); after it, each newly preempted VM is notified once.
   */
  public synchronized void onVms(List<SpotVm> vms) {
    for (SpotVm vm : vms) {
      if (vm.state() != VmState.PREEMPTED || !preemptedSeen.add(vm.name()) || !vmsPrimed) {
        continue;
      }
      if (settings.vmEvents()) {
        show(new Notification(Kind.VM_PREEMPTED, "Spot VM preempted", vm.name() + " in " + vm.zone()
            + " was preempted by Google Cloud. Work routed to it falls back to local.", true));
      }
    }
    vmsPrimed = true;
  }

  /** A budget level crossed (the cost engine reports each level once per period); held until {@link #onCost}. */
  public synchronized void onBudgetCrossed(String period, int percent, CostSnapshot.Budget budget) {
    Pending old = pendingBudget.get(period);
    if (old == null || percent > old.percent()) {
      pendingBudget.put(period, new Pending(percent, budget));
    }
  }

  /**
   * A GCP cost spike from the billing export ("Vertex AI +$3.50 in the hour from 04:00 ..."). The billing reader
   * already reports each service at most once a day, so this only honours the budget switch (spikes are spend news).
   */
  public synchronized void onCostSpike(String message) {
    if (settings.budget()) {
      deliver(new Notification(Kind.BUDGET, "GCP cost spike", message, false));
    }
  }

  /** A cost tick finished: one notification per period for the highest level crossed since the last tick. */
  public synchronized void onCost(CostSnapshot ignored) {
    if (pendingBudget.isEmpty()) {
      return;
    }
    List<Map.Entry<String, Pending>> due = List.copyOf(pendingBudget.entrySet());
    pendingBudget.clear();
    if (!settings.budget()) {
      return;
    }
    for (Map.Entry<String, Pending> e : due) {
      Pending p = e.getValue();
      String period = e.getKey();
      String title = (period.isEmpty() ? "Budget" : Character.toUpperCase(period.charAt(0)) + period.substring(1)
          + " budget") + (p.percent() >= 100 ? " exceeded" : " at " + p.percent() + " %");
      String body = "$" + cents(p.budget().spent()) + " of $" + cents(p.budget().limit()) + " spent ("
          + p.budget().percent().stripTrailingZeros().toPlainString() + " %).";
      // Budgets are not throttled by kind: a daily and a monthly crossing in one tick are two facts.
      deliver(new Notification(Kind.BUDGET, title, body, p.percent() >= 90));
    }
  }

  private void show(Notification n) {
    Instant now = clock.instant();
    Instant last = lastShown.get(n.kind());
    if (last != null && now.isBefore(last.plusSeconds(settings.minIntervalSeconds()))) {
      LOG.debug("Notification {} throttled", n.kind());
      return;
    }
    lastShown.put(n.kind(), now);
    deliver(n);
  }

  private void deliver(Notification n) {
    if (!settings.enabled()) {
      return;
    }
    LOG.info("Notification: {}: {}", n.title(), n.body());
    try {
      notifier.show(n);
    } catch (RuntimeException e) {
      LOG.warn("Notification could not be shown: {}", e.toString());
    }
  }

  static String cents(BigDecimal amount) {
    return amount.setScale(2, RoundingMode.HALF_UP).toPlainString();
  }

  private static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / (double) (1L << 30));
  }
}
