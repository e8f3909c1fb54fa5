package dev.headroom.engine;

import dev.headroom.config.AutoCreateSettings;
import dev.headroom.config.MemorySettings;
import dev.headroom.engine.Decision.Action;
import dev.headroom.engine.Decision.Trigger;
import dev.headroom.memory.MemoryState;
import dev.headroom.memory.Projection;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * When to create a Spot VM on its own: a pure function of a {@link PolicyInput} and the settings, no I/O.
 *
 * <p>Triggers: used memory has stayed at or above the threshold for the sustained window, or the latest projection
 * crosses the threshold. Guards, in order, each with a named reason: auto-create enabled, GCP configured, active +
 * pending below the maximum, cooldown since the last create elapsed, price known, spend readable, and today's
 * budget left covering at least one hour at that price. It fails closed: an unknown price or unreadable spend
 * blocks.
 *
 * <pre>{@code
 * Decision d = new AutoCreatePolicy(settings.memory(), settings.autoCreate()).decide(input);
 * if (d.action() == Decision.Action.CREATE) spot.create(d.message());
 * }</pre>
 */
public final class AutoCreatePolicy {
  private final MemorySettings memory;
  private final AutoCreateSettings auto;

  public AutoCreatePolicy(MemorySettings memory, AutoCreateSettings auto) {
    this.memory = memory;
    this.auto = auto;
  }

  public Decision decide(PolicyInput in) {
    Instant now = in.now();
    double threshold = memory.thresholdPercent();
    Duration window = Duration.ofSeconds(memory.sustainedSeconds());
    Duration above = timeAbove(in.recent(), threshold, now);
    Optional<Projection> projection = in.recent().isEmpty() ? Optional.empty()
        : in.recent().get(in.recent().size() - 1).projection();

    Trigger trigger;
    String why;
    if (above.compareTo(window) >= 0) {
      trigger = Trigger.SUSTAINED;
      why = String.format(Locale.ROOT, "memory at or above %.0f %% for %d s", threshold, above.toSeconds());
    } else if (projection.isPresent() && projection.get().projectedPercent() >= threshold) {
      trigger = Trigger.PROJECTION;
      why = String.format(Locale.ROOT, "projected to reach %.1f %% within %d s (threshold %.0f %%)",
          projection.get().projectedPercent(), memory.projectionSeconds(), threshold);
    } else {
      // A run that began with the latest reading has lasted 0 s but is above, not below.
      boolean latestAbove = !in.recent().isEmpty()
          && in.recent().get(in.recent().size() - 1).sample().usedPercent() >= threshold;
      String state = !latestAbove
          ? String.format(Locale.ROOT, "memory below %.0f %%", threshold)
          : String.format(Locale.ROOT, "memory above %.0f %% for %d of %d s", threshold, above.toSeconds(),
              window.toSeconds());
      return new Decision(now, Action.NONE, Trigger.NONE, "NO_TRIGGER", state);
    }
    return guard(in, trigger, why);
  }

  private Decision guard(PolicyInput in, Trigger trigger, String why) {
    Instant now = in.now();
    if (!auto.enabled()) {
      return blocked(now, trigger, "AUTO_CREATE_DISABLED", why + ", but auto-create is off");
    }
    if (!in.gcpConfigured()) {
      return blocked(now, trigger, "GCP_NOT_CONFIGURED", why + ", but GCP is not configured");
    }
    if (in.activeOrPendingVms() >= auto.maxConcurrent()) {
      return blocked(now, trigger, "MAX_CONCURRENT", why + ", but " + in.activeOrPendingVms()
          + " VM(s) already active or pending (max " + auto.maxConcurrent() + ")");
    }
    Duration cooldown = Duration.ofMinutes(auto.cooldownMinutes());
    if (in.lastCreateAt().isPresent()) {
      Duration since = Duration.between(in.lastCreateAt().get(), now);
      if (since.compareTo(cooldown) < 0) {
        return blocked(now, trigger, "COOLDOWN", why + ", but the last create was " + since.toSeconds()
            + " s ago (cooldown " + cooldown.toSeconds() + " s)");
      }
    }
    if (in.hourlyPrice().isEmpty()) {
      return blocked(now, trigger, "PRICE_UNKNOWN", why + ", but the VM's price is unknown");
    }
    if (in.dailyBudgetLeft().isEmpty()) {
      return blocked(now, trigger, "SPEND_UNKNOWN", why + ", but today's spend cannot be read");
    }
    BigDecimal price = in.hourlyPrice().get();
    BigDecimal left = in.dailyBudgetLeft().get();
    if (left.compareTo(price) < 0) {
      return blocked(now, trigger, "BUDGET", why + ", but today's budget left ($" + money(left)
          + ") does not cover one hour ($" + money(price) + "/h)");
    }
    return new Decision(now, Action.CREATE, trigger, trigger.name(), "Create: " + why + " ($" + money(price)
        + "/h, $" + money(left) + " left today)");
  }

  private static Decision blocked(Instant now, Trigger trigger, String reason, String message) {
    return new Decision(now, Action.BLOCKED, trigger, reason, "Blocked: " + message);
  }

  private static String money(BigDecimal v) {
    return v.setScale(4, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
  }

  /**
   * How long the newest run of readings at or above {@code threshold} has lasted, up to {@code now}: from the
   * first reading of the run to now. Zero when the latest reading is below.
   */
  static Duration timeAbove(List<MemoryState> recent, double threshold, Instant now) {
    Instant start = null;
    for (int i = recent.size() - 1; i >= 0; i--) {
      MemoryState s = recent.get(i);
      if (s.sample().usedPercent() < threshold) {
        break;
      }
      start = s.sample().time();
    }
    return start == null ? Duration.ZERO : Duration.between(start, now);
  }
}
